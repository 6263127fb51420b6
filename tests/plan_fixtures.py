"""Throwaway checks for plan/execution-input tests (registered only while a test needs them)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from orgsweep.checks import Check, Evaluation, Resource, register
from orgsweep.checks.registry import unregister
from orgsweep.types import Verdict

PROBE_ID = "zz-test-probe"
PLAIN_ID = "zz-test-plain"


@dataclass(frozen=True)
class ProbeParams:
    cpu_pct: float = 10.0
    min_days: int = 4


class _Base(Check):
    resource_type = "AWS::Test::Thing"
    description = "test check"
    permissions = ("ec2:DescribeVolumes",)

    def discover(self, ctx: Any) -> Iterable[Resource]:
        return ()

    def evaluate(self, resource: Resource, metrics: Mapping[Any, Any], ctx: Any) -> Evaluation:
        return Evaluation(Verdict.OK, "fine")


class ProbeCheck(_Base):
    id = PROBE_ID
    Params = ProbeParams


class PlainCheck(_Base):
    id = PLAIN_ID


@contextmanager
def probe_checks() -> Iterator[None]:
    register(ProbeCheck)
    register(PlainCheck)
    try:
        yield
    finally:
        unregister(PROBE_ID)
        unregister(PLAIN_ID)
