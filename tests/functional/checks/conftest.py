"""Fixtures for the check tests: an isolated moto fleet and a context factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import boto3
import pytest

from tests.functional.checkkit import NOW, REGION, MotoContext


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A boto3 session inside moto. moto's ~1,300 default AMIs and their snapshots are not
    loaded: they would be "this account's" snapshots and slow every EC2 call down."""
    from moto import mock_aws

    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    with mock_aws():
        yield boto3.Session(region_name=REGION)


@pytest.fixture
def make_ctx(session: Any) -> Callable[..., MotoContext]:
    def make(now: datetime = NOW) -> MotoContext:
        return MotoContext(session, now=now)

    return make


@pytest.fixture
def ctx(make_ctx: Callable[..., MotoContext]) -> MotoContext:
    return make_ctx()


@pytest.fixture
def ec2(session: Any) -> Any:
    return session.client("ec2")


@pytest.fixture
def cw(session: Any) -> Any:
    return session.client("cloudwatch")
