"""Sweeps under injected throttling (real HTTP, the services' real error bodies) lose nothing.

One demo fleet (2 accounts x 2 regions, every check) is scanned clean, then with 20 % of
every service's requests throttled (default preset), then with 60 % throttled (conservative
preset). Throttling is the proxy's "spread" pattern: reproducible, whatever the thread timing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from orgsweep.aws import is_throttling_error
from orgsweep.clock import ScaledClock
from orgsweep.types import CELL_LEVEL_CHECK_ID
from orgsweep_local.demo import FleetSpec
from orgsweep_local.demo.faults import FaultPlan, Outcome, RequestRecord
from orgsweep_local.demo.scoring import read_table
from orgsweep_local.engine import EngineResult
from tests.e2e.faultkit import FaultFleet, fault_fleet, finding_keys, outcomes
from tests.functional.aws_fakes import zero_backoff

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

REGIONS = ("us-east-1", "eu-west-1")


@pytest.fixture(scope="module")
def fleet() -> Iterator[FaultFleet]:
    with fault_fleet(FleetSpec(accounts=2, regions=REGIONS, seed=21, points_per_day=1)) as faulty:
        yield faulty


@pytest.fixture(scope="module")
def clean(fleet: FaultFleet, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, EngineResult]:
    root = tmp_path_factory.mktemp("clean")
    result = fleet.sweep(root, "clean")
    assert result.cells_by_status == {"ok": 4}
    assert not outcomes(fleet.proxy.records(), Outcome.THROTTLED)
    return root, result


def assert_throttled_everywhere(requests: list[RequestRecord], throttled: list[RequestRecord], fraction: float) -> None:
    """Every service the cells called often enough was throttled, about `fraction` of the time.

    The spread pattern throttles `fraction` of each (account, region, service, action)'s
    requests, rounded per key from a seeded phase: a service called 4 times may escape.
    """
    calls = Counter(r.service for r in requests)
    hit = Counter(r.service for r in throttled)
    assert {service for service, n in calls.items() if n * fraction >= 3} <= set(hit)
    assert fraction - 0.1 <= len(throttled) / len(requests) <= fraction + 0.1


def _coverage_totals(rows: list[dict[str, Any]]) -> Counter[str]:
    totals: Counter[str] = Counter()
    for row in rows:
        for column in ("api_calls", "throttles", "retries"):
            totals[column] += row[column]
    return totals


def test_twenty_percent_throttling_changes_nothing_but_the_counters(
    fleet: FaultFleet, clean: tuple[Path, EngineResult], tmp_path: Path
) -> None:
    result = fleet.sweep(tmp_path, "throttled-20", FaultPlan(throttle={"*": 0.2}))
    requests = fleet.member_requests()
    throttled = outcomes(requests, Outcome.THROTTLED)

    assert_throttled_everywhere(requests, throttled, 0.2)
    # ... and the result is the clean run's: same findings, every check ok.
    assert finding_keys(read_table(tmp_path, "findings", "throttled-20")) == finding_keys(
        read_table(clean[0], "findings", "clean")
    )
    coverage = read_table(tmp_path, "coverage", "throttled-20")
    assert {row["status"] for row in coverage} == {"ok"}
    assert result.cells_by_status == {"ok": 4}
    # The coverage counters say exactly what happened on the wire: every request the cells
    # sent, every throttle answered, and one retry per throttle (all of them succeeded).
    totals = _coverage_totals(coverage)
    assert totals["api_calls"] == len(requests)
    assert totals["throttles"] == len(throttled) == totals["retries"]


@pytest.fixture
def instant_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    # botocore sleeps its backoff on the real clock; the scaled clock covers only ours.
    zero_backoff(monkeypatch)


@pytest.mark.usefixtures("instant_backoff")
def test_sixty_percent_throttling_under_the_conservative_preset_loses_no_resource_silently(
    fleet: FaultFleet, clean: tuple[Path, EngineResult], tmp_path: Path
) -> None:
    # The conservative preset's real rates (2 req/s per service, adaptive slow-down) and its
    # 10-minute cell budget, with time running 50x faster.
    result = fleet.sweep(
        tmp_path, "throttled-60", FaultPlan(throttle={"*": 0.6}), clock=ScaledClock(50), preset="conservative"
    )
    requests = fleet.member_requests()
    throttled = outcomes(requests, Outcome.THROTTLED)
    assert_throttled_everywhere(requests, throttled, 0.6)

    coverage = read_table(tmp_path, "coverage", "throttled-60")
    assert {row["status"] for row in coverage} <= {"ok", "throttled"}
    not_ok = {(r["account_id"], r["region"], r["check_id"]) for r in coverage if r["status"] != "ok"}
    for row in coverage:
        if row["status"] == "throttled":
            assert is_throttling_error(row["error_code"]), row
    # Every finding of the clean run is here, unless coverage says its check (or cell) was throttled.
    expected = {
        key
        for key in finding_keys(read_table(clean[0], "findings", "clean"))
        if key[:3] not in not_ok and (*key[:2], CELL_LEVEL_CHECK_ID) not in not_ok
    }
    assert finding_keys(read_table(tmp_path, "findings", "throttled-60")) == expected
    totals = _coverage_totals(coverage)
    assert totals["api_calls"] == len(requests)
    assert totals["throttles"] == len(throttled)
    assert sum(result.cells_by_status.values()) == 4
