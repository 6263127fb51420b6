"""The one place naive/aware datetimes become UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from orgsweep.clock import as_utc, iso_utc

pytestmark = pytest.mark.unit


def test_naive_times_are_taken_as_utc_not_local_time() -> None:
    naive = datetime(2026, 1, 15, 12, 0)  # noqa: DTZ001 (a naive time is the case under test)
    assert as_utc(naive) == datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    assert iso_utc(naive) == "2026-01-15T12:00:00+00:00"


def test_aware_times_are_converted() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert as_utc(datetime(2026, 1, 15, 14, 0, tzinfo=plus_two)) == datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    assert iso_utc(datetime(2026, 1, 15, 14, 0, tzinfo=plus_two)) == "2026-01-15T12:00:00+00:00"


def test_none_stays_none() -> None:
    assert iso_utc(None) is None
