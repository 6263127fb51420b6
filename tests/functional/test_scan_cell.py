"""scan_cell against moto: outputs, determinism, and every way a cell or a check can fail."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from orgsweep.checks import CheckContext, Resource
from orgsweep.clock import FakeClock
from orgsweep.pipeline.raw import RawCellOutput, read_raw_cell
from orgsweep.pipeline.scan import scan_cell
from orgsweep.pipeline.types import Cell, CellSummary, RunSettings
from orgsweep.presets import DEFAULT, PRESETS
from orgsweep.storage import LocalStorage, raw_cell_key
from tests.functional.scan_faults import Faults, install_faults
from tests.functional.scan_fleet import (
    ACCOUNT_ID,
    REGION,
    Fleet,
    Scripted,
    blocking_check,
    build_fleet,
    fake_checks,
    member_session,
    start_of_day,
)

pytestmark = pytest.mark.functional

RUN = RunSettings(run_id="run-1", role_name="OrgSweepReadOnly", preset="default")
CELL = Cell(ACCOUNT_ID, "dev", REGION)


@pytest.fixture(scope="module")
def started() -> datetime:
    # Real "today": moto's CloudWatch keeps the datapoints the fleet puts in the past days.
    return datetime.now(UTC).replace(second=0, microsecond=0)


@pytest.fixture
def clock(started: datetime) -> FakeClock:
    return FakeClock(start=started)


@pytest.fixture
def faults(monkeypatch: pytest.MonkeyPatch) -> Faults:
    return install_faults(monkeypatch)


@pytest.fixture(scope="module")
def moto_fleet(started: datetime) -> Iterator[Fleet]:
    """One fleet for the module (scans only read it); every test gets its own faults and clock."""
    with mock_aws():
        yield build_fleet(member_session(), start_of_day(started))


@pytest.fixture
def fleet(moto_fleet: Fleet, faults: Faults) -> Fleet:
    return moto_fleet


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path)


def scan(storage: LocalStorage, clock: FakeClock, **kwargs: object) -> tuple[CellSummary, RawCellOutput]:
    kwargs.setdefault("checks", fake_checks())
    run = kwargs.pop("run", RUN)
    summary = scan_cell(boto3.Session(), CELL, run, storage=storage, clock=clock, **kwargs)  # type: ignore[arg-type]
    return summary, read_raw_cell(storage, summary.key)


def by_check(output: RawCellOutput) -> dict[str, dict[str, object]]:
    return {row["check_id"]: row for row in output.coverage}


def assert_calls_add_up(summary: CellSummary, output: RawCellOutput, faults: Faults) -> None:
    """Σ coverage api_calls == the cell's calls == attempts the scan sent (AssumeRole excluded)."""
    sent = sum(n for name, n in faults.sent.items() if name != "sts.AssumeRole")
    assert sum(row["api_calls"] for row in output.coverage) == summary.api_calls == sent
    assert sum(row["throttles"] for row in output.coverage) == summary.throttles
    assert sum(row["retries"] for row in output.coverage) == summary.retries


def test_cell_output_has_findings_inventory_and_coverage(
    fleet: Fleet, storage: LocalStorage, clock: FakeClock, faults: Faults
) -> None:
    summary, output = scan(storage, clock)

    assert summary.key == raw_cell_key("run-1", ACCOUNT_ID, REGION)
    assert storage.exists(summary.key)
    assert (summary.status, output.status) == ("ok", "ok")
    assert (output.account_name, output.started_at) == ("dev", clock.now().isoformat())
    findings = {(f["check_id"], f["resource_id"]): f["verdict"] for f in output.findings}
    assert findings == {
        **{("t-volume-unattached", v): "flagged" for v in fleet.unattached_volumes},
        ("t-instance-idle", fleet.idle_instance): "flagged",
        ("t-instance-idle", fleet.silent_instance): "insufficient_data",
        ("t-lb-empty", "web"): "flagged",
        ("t-lb-requests", "web"): "flagged",
    }
    assert output.findings == sorted(output.findings, key=lambda f: (f["check_id"], f["resource_id"]))
    # One inventory row per resource, the ALB seen by two checks included once.
    assert sorted(r["resource_id"] for r in output.inventory) == sorted(
        [*fleet.unattached_volumes, fleet.busy_instance, fleet.idle_instance, fleet.silent_instance, "web"]
    )
    coverage = by_check(output)
    assert list(coverage) == ["t-instance-idle", "t-lb-empty", "t-lb-requests", "t-volume-unattached"]
    assert {row["status"] for row in coverage.values()} == {"ok"}
    assert coverage["t-instance-idle"]["resources_evaluated"] == 3
    assert coverage["t-volume-unattached"]["resources_evaluated"] == 2
    assert (summary.findings, summary.resources) == (6, 6)
    # The 4 metric queries (3 instances + 1 ALB, one 7-day window) cost one GetMetricData call.
    assert faults.sent["cloudwatch.GetMetricData"] == 1
    assert_calls_add_up(summary, output, faults)
    # 1 DescribeVolumes, 1 DescribeInstances, 2 DescribeLoadBalancers, 1 GetMetricData shared 3:1.
    assert {c: row["api_calls"] for c, row in coverage.items()} == {
        "t-instance-idle": 2, "t-lb-empty": 1, "t-lb-requests": 1, "t-volume-unattached": 1,
    }


def test_rerun_overwrites_with_identical_bytes(fleet: Fleet, storage: LocalStorage, clock: FakeClock) -> None:
    first, _ = scan(storage, clock)
    before = storage.get_bytes(first.key)
    second, _ = scan(storage, clock)
    assert second.key == first.key
    assert storage.get_bytes(second.key) == before
    assert list(storage.list_keys("raw/")) == [first.key]


def test_access_denied_on_one_service_marks_only_its_checks(
    fleet: Fleet, storage: LocalStorage, clock: FakeClock, faults: Faults
) -> None:
    faults.fail("elastic-load-balancing-v2", "AccessDenied", status=403)
    summary, output = scan(storage, clock)

    coverage = by_check(output)
    assert {c: row["status"] for c, row in coverage.items()} == {
        "t-instance-idle": "ok", "t-lb-empty": "access_denied", "t-lb-requests": "access_denied",
        "t-volume-unattached": "ok",
    }
    assert coverage["t-lb-empty"]["error_code"] == "AccessDenied"
    assert "injected AccessDenied" in str(coverage["t-lb-empty"]["error_message"])
    assert coverage["t-instance-idle"]["error_code"] is None
    assert summary.status == "partial"
    assert {f["check_id"] for f in output.findings} == {"t-instance-idle", "t-volume-unattached"}
    assert_calls_add_up(summary, output, faults)


def test_failed_assume_role_gives_one_cell_level_row(
    fleet: Fleet, storage: LocalStorage, clock: FakeClock, faults: Faults
) -> None:
    faults.fail("sts", "AccessDenied", operation="AssumeRole", status=403)
    summary, output = scan(storage, clock)

    assert summary.status == output.status == "assume_role_failed"
    assert [(r["check_id"], r["status"], r["error_code"]) for r in output.coverage] == [
        ("-", "assume_role_failed", "AccessDenied")
    ]
    assert "injected AccessDenied" in str(output.coverage[0]["error_message"])
    assert output.findings == output.inventory == []
    assert (summary.api_calls, summary.findings) == (0, 0)


@pytest.mark.parametrize("code", ["OptInRequired", "AuthFailure"])
def test_disabled_region_gives_one_cell_level_row(
    code: str, fleet: Fleet, storage: LocalStorage, clock: FakeClock, faults: Faults
) -> None:
    faults.fail("ec2", code, status=401)
    summary, output = scan(storage, clock)

    assert summary.status == "region_disabled"
    assert [(r["check_id"], r["status"], r["error_code"]) for r in output.coverage] == [("-", "region_disabled", code)]
    assert output.findings == output.inventory == []
    assert_calls_add_up(summary, output, faults)


def test_checks_unfinished_at_the_deadline_time_out_and_the_rest_is_kept(
    fleet: Fleet, storage: LocalStorage, clock: FakeClock, faults: Faults, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One discover at a time, in check-id order: the other checks are recorded before the last
    # one starts, moves the cell's clock past the deadline, and never finishes on its own.
    monkeypatch.setitem(PRESETS, "serial", replace(DEFAULT, name="serial", cell_concurrency=1))
    release = threading.Event()
    deadline = clock.monotonic() + 60
    stuck = blocking_check("z-stuck", lambda: clock.advance(61), release)
    run = replace(RUN, preset="serial")
    try:
        summary, output = scan(storage, clock, run=run, checks=[*fake_checks(), stuck], deadline=deadline)
    finally:
        release.set()

    coverage = by_check(output)
    assert (coverage["z-stuck"]["status"], coverage["z-stuck"]["error_code"]) == ("timeout", "DeadlineExceeded")
    assert summary.status == "partial"
    assert "late" not in {r["resource_id"] for r in output.inventory}
    # Discovery that finished is kept; the checks needing metrics could not fetch them in time.
    assert coverage["t-volume-unattached"]["status"] == "ok"
    assert coverage["t-lb-empty"]["status"] == "ok"
    assert coverage["t-instance-idle"]["status"] == "timeout"
    assert coverage["t-lb-requests"]["status"] == "timeout"
    assert fleet.busy_instance in {r["resource_id"] for r in output.inventory}
    assert {f["check_id"] for f in output.findings} == {"t-volume-unattached", "t-lb-empty"}
    assert faults.sent["cloudwatch.GetMetricData"] == 0


def test_deadline_already_passed_times_out_every_check(
    fleet: Fleet, storage: LocalStorage, clock: FakeClock, faults: Faults
) -> None:
    summary, output = scan(storage, clock, deadline=clock.monotonic() - 1)
    assert summary.status == "timeout"
    assert {row["status"] for row in output.coverage} == {"timeout"}
    assert_calls_add_up(summary, output, faults)


def test_rate_limiter_refusing_a_call_past_the_deadline_is_timeout(
    fleet: Fleet, storage: LocalStorage, clock: FakeClock, faults: Faults
) -> None:
    def late_call(ctx: CheckContext) -> list[Resource]:
        clock.advance(100)  # the deadline passes while the check works
        ctx.client("ec2").describe_vpcs()
        return []

    summary, output = scan(
        storage, clock, checks=[*fake_checks(), Scripted("t-late", late_call)], deadline=clock.monotonic() + 50
    )
    coverage = by_check(output)
    # Whichever way the deadline hits it, a late check is a timeout, never an error.
    assert coverage["t-late"]["status"] == "timeout"
    assert coverage["t-late"]["error_code"] in {"RateLimitTimeout", "DeadlineExceeded"}
    assert summary.status in {"partial", "timeout"}


def test_exhausted_throttling_is_throttled_and_counted(
    fleet: Fleet, storage: LocalStorage, clock: FakeClock, faults: Faults
) -> None:
    faults.fail("elastic-load-balancing-v2", "Throttling")
    run = RunSettings(run_id="run-1", role_name="OrgSweepReadOnly", preset="default")  # 3 attempts
    summary, output = scan(storage, clock, run=run)

    coverage = by_check(output)
    for check_id in ("t-lb-empty", "t-lb-requests"):
        row = coverage[check_id]
        assert (row["status"], row["error_code"]) == ("throttled", "Throttling")
        assert (row["api_calls"], row["throttles"], row["retries"]) == (3, 3, 2)
    assert coverage["t-instance-idle"]["status"] == "ok"
    assert summary.status == "partial"
    assert summary.throttles == 6
    assert_calls_add_up(summary, output, faults)


def test_one_throttle_then_success_is_ok_with_the_retry_counted(
    fleet: Fleet, storage: LocalStorage, clock: FakeClock, faults: Faults
) -> None:
    faults.fail("ec2", "RequestLimitExceeded", operation="DescribeVolumes", times=1)
    summary, output = scan(storage, clock)

    row = by_check(output)["t-volume-unattached"]
    assert (row["status"], row["api_calls"], row["throttles"], row["retries"]) == ("ok", 2, 1, 1)
    assert summary.status == "ok"
    assert_calls_add_up(summary, output, faults)


def test_metric_fetch_failure_marks_only_checks_that_need_metrics(
    fleet: Fleet, storage: LocalStorage, clock: FakeClock, faults: Faults
) -> None:
    faults.fail("cloudwatch", "AccessDenied", operation="GetMetricData", status=403)
    summary, output = scan(storage, clock)

    coverage = by_check(output)
    assert {c: row["status"] for c, row in coverage.items()} == {
        "t-instance-idle": "access_denied", "t-lb-empty": "ok", "t-lb-requests": "access_denied",
        "t-volume-unattached": "ok",
    }
    assert coverage["t-instance-idle"]["resources_evaluated"] == 0
    # What was discovered is still inventory, even for the checks that could not evaluate.
    assert fleet.busy_instance in {r["resource_id"] for r in output.inventory}
    assert summary.status == "partial"
    assert_calls_add_up(summary, output, faults)


def test_a_check_bug_is_an_error_row_not_an_exception(
    fleet: Fleet, storage: LocalStorage, clock: FakeClock
) -> None:
    def broken(_ctx: CheckContext) -> list[Resource]:
        raise ZeroDivisionError("division by zero")

    def unevaluable(_ctx: CheckContext) -> list[Resource]:
        return [Resource("AWS::Test::Thing", "thing-1", "arn:thing-1", "x")]

    checks = [*fake_checks(), Scripted("t-broken", broken), Scripted("t-unevaluable", unevaluable)]
    summary, output = scan(storage, clock, checks=checks)

    coverage = by_check(output)
    assert (coverage["t-broken"]["status"], coverage["t-broken"]["error_code"]) == ("error", "ZeroDivisionError")
    assert coverage["t-unevaluable"]["status"] == "error"
    assert coverage["t-unevaluable"]["error_message"].startswith("1 of 1 resources could not be evaluated")
    assert summary.status == "partial"


def test_no_checks_means_an_ok_cell_with_no_rows(fleet: Fleet, storage: LocalStorage, clock: FakeClock) -> None:
    summary, output = scan(storage, clock, checks=[])
    assert (summary.status, output.coverage, summary.api_calls) == ("ok", [], 0)


def test_run_selection_builds_the_checks_from_the_registry(
    fleet: Fleet, storage: LocalStorage, clock: FakeClock
) -> None:
    run = RunSettings(run_id="run-2", role_name="R", checks_include=("eip-unassociated",))
    summary = scan_cell(boto3.Session(), CELL, run, storage=storage, clock=clock)
    output = read_raw_cell(storage, summary.key)
    assert [row["check_id"] for row in output.coverage] == ["eip-unassociated"]
    assert summary.status == "ok"
