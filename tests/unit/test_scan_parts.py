"""The small pieces of the cell scanner: pipeline types, rows, apportioning, waiting."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orgsweep.checks import Evaluation, Resource, build_checks
from orgsweep.clock import FakeClock
from orgsweep.pipeline.apportion import apportion
from orgsweep.pipeline.cellcontext import partition_for_region
from orgsweep.pipeline.exceptions import InvalidPipelineInputError
from orgsweep.pipeline.rows import (
    CoverageCounts,
    cell_level_row,
    coverage_row,
    finding_row,
    merge_inventory,
    to_json,
)
from orgsweep.pipeline.scan import metric_end_time, scan_cell
from orgsweep.pipeline.types import Cell, CellSummary, RunSettings
from orgsweep.pipeline.waiting import run_until
from orgsweep.presets import UnknownPresetError
from orgsweep.storage import LocalStorage
from orgsweep.tables.schemas import COVERAGE, FINDINGS, INVENTORY
from orgsweep.types import CoverageStatus, Verdict

pytestmark = pytest.mark.unit

CELL = Cell("111111111111", "dev", "eu-west-1")


# --- types ---------------------------------------------------------------------------------


def test_cell_round_trips_and_defaults_priority() -> None:
    cell = Cell.from_dict({"account_id": "111111111111", "account_name": "dev", "region": "eu-west-1"})
    assert cell == Cell("111111111111", "dev", "eu-west-1", 0)
    assert Cell.from_dict(cell.to_dict()) == cell


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"account_id": "1234", "region": "eu-west-1"}, "cell.account_id"),
        ({"account_id": 111111111111, "region": "eu-west-1"}, "cell.account_id"),
        ({"account_id": "111111111111", "region": "Europe"}, "cell.region"),
        ({"account_id": "111111111111"}, "cell.region"),
        ({"account_id": "111111111111", "region": "eu-west-1", "priority": True}, "cell.priority"),
        ([], "cell"),
        ({"account_id": "111111111111", "region": "eu-west-1", "colour": "red"}, "cell.colour"),
    ],
)
def test_bad_cells_name_the_field(data: object, field: str) -> None:
    with pytest.raises(InvalidPipelineInputError) as info:
        Cell.from_dict(data)
    assert info.value.field == field


def test_run_settings_round_trip_the_lambda_run_object() -> None:
    data = {
        "run_id": "r1",
        "role_name": "OrgSweepReadOnly",
        "external_id": "xyz",
        "preset": "aggressive",
        "checks": {"include": ["a"], "exclude": ["b"], "params": {"a": {"x": 1}}},
    }
    run = RunSettings.from_dict(data)
    assert run.checks_include == ("a",)
    assert run.checks_params == {"a": {"x": 1}}
    assert run.to_dict() == data
    assert RunSettings.from_dict(run.to_dict()) == run


def test_run_settings_defaults() -> None:
    run = RunSettings.from_dict({"run_id": "r1", "role_name": "R"})
    assert (run.external_id, run.preset, run.checks_include, run.checks_params) == (None, "default", (), {})


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"role_name": "R"}, "run.run_id"),
        ({"run_id": "r", "role_name": ""}, "run.role_name"),
        ({"run_id": "r", "role_name": "R", "checks": {"include": "a"}}, "run.checks.include"),
        ({"run_id": "r", "role_name": "R", "checks": {"bogus": []}}, "run.checks.bogus"),
        ({"run_id": "r", "role_name": "R", "checks": {"params": {"a": 1}}}, "run.checks.params.a"),
        ({"run_id": "r", "role_name": "R", "accounts": {}}, "run.accounts"),
    ],
)
def test_bad_run_settings_name_the_field(data: object, field: str) -> None:
    with pytest.raises(InvalidPipelineInputError) as info:
        RunSettings.from_dict(data)
    assert info.value.field == field


def test_cell_summary_to_dict_is_counts_only() -> None:
    summary = CellSummary("r", "111111111111", "eu-west-1", "ok", 1, 2, 3, 0, 0, 10, "raw/r/1/eu-west-1.json.gz")
    assert set(summary.to_dict()) == {
        "run_id", "account_id", "region", "status", "findings", "resources",
        "api_calls", "throttles", "retries", "duration_ms", "key",
    }


# --- rows ----------------------------------------------------------------------------------


def test_rows_have_exactly_the_table_columns_and_json_strings() -> None:
    created = datetime(2025, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=1)))
    resource = Resource("AWS::EC2::Volume", "vol-1", "arn:v", "available", created, {"b": "2", "a": "1"}, {"size": 8})
    evaluation = Evaluation(Verdict.FLAGGED, "unattached", {"z": 1, "a": [1, 2]}, 0.64)
    finding = finding_row(
        "r", CELL, check_id="ebs-volume-unattached", resource=resource, evaluation=evaluation,
        observed_at=datetime(2026, 1, 15, tzinfo=UTC),
    )
    assert tuple(finding) == FINDINGS.column_names
    assert finding["tags"] == '{"a":"1","b":"2"}'
    assert json.loads(finding["evidence"]) == {"a": [1, 2], "z": 1}
    assert finding["observed_at"] == "2026-01-15T00:00:00+00:00"
    assert finding["account_name"] == "dev"
    inventory = merge_inventory("r", CELL, [("c", resource)])
    assert [tuple(row) for row in inventory] == [INVENTORY.column_names]
    assert inventory[0]["created_at"] == "2025-01-01T00:00:00+00:00"
    row = coverage_row("r", CELL, check_id="c", status=CoverageStatus.OK, counts=CoverageCounts(1, 2, 3, 4, 5))
    assert tuple(row) == COVERAGE.column_names
    level = cell_level_row(
        "r", CELL, status=CoverageStatus.REGION_DISABLED, counts=CoverageCounts(), error_code="OptInRequired",
        message="x" * 5000,
    )
    assert level["check_id"] == "-"
    assert len(level["error_message"]) == 1000


def test_inventory_has_one_row_per_resource_with_merged_attributes() -> None:
    a = Resource("AWS::ELB", "lb-1", "arn:lb", "active", attributes={"scheme": "internal", "x": 1})
    b = Resource("AWS::ELB", "lb-1", "arn:lb", "active", attributes={"x": 2, "targets": 0})
    c = Resource("AWS::ELB", "lb-0", "arn:lb0", "active")
    rows = merge_inventory("r", CELL, [("elb-no-targets", b), ("elb-idle", a), ("elb-idle", c)])
    assert [r["resource_id"] for r in rows] == ["lb-0", "lb-1"]
    # elb-idle < elb-no-targets: its value wins the conflict on "x".
    assert json.loads(rows[1]["attributes"]) == {"scheme": "internal", "targets": 0, "x": 1}


def test_to_json_is_deterministic_for_sets_and_datetimes() -> None:
    value = {"b": {3, 1, 2}, "a": datetime(2026, 1, 1, tzinfo=UTC)}
    assert to_json(value) == '{"a":"2026-01-01T00:00:00+00:00","b":[1,2,3]}'


def test_metric_end_time_is_the_start_of_the_utc_day() -> None:
    local = datetime(2026, 1, 15, 0, 30, tzinfo=timezone(timedelta(hours=2)))  # 2026-01-14 22:30 UTC
    assert metric_end_time(local) == datetime(2026, 1, 14, tzinfo=UTC)


@pytest.mark.parametrize(
    ("region", "partition"),
    [("eu-west-1", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov"), ("us-east-1", "aws")],
)
def test_partition_for_region(region: str, partition: str) -> None:
    assert partition_for_region(region) == partition


# --- apportion -----------------------------------------------------------------------------


def test_apportion_is_proportional_and_exact() -> None:
    assert apportion(3, {"a": 500, "b": 250, "c": 250}) == {"a": 1, "b": 1, "c": 1}  # largest remainders
    assert apportion(5, {"a": 600, "b": 300, "c": 100}) == {"a": 3, "b": 2, "c": 0}
    assert apportion(1, {"b": 1, "a": 1}) == {"a": 1, "b": 0}  # tie → smaller key
    assert apportion(0, {"a": 1}) == {"a": 0}
    assert apportion(4, {"a": 0, "b": 3}) == {"a": 0, "b": 4}
    assert apportion(3, {"a": 0, "b": 0}) == {"a": 2, "b": 1}  # nobody weighs: even split


def test_apportion_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="no keys"):
        apportion(1, {})
    with pytest.raises(ValueError, match=">= 0"):
        apportion(-1, {"a": 1})


@given(st.integers(0, 10_000), st.dictionaries(st.text(min_size=1, max_size=5), st.integers(0, 5_000), min_size=1))
def test_apportion_shares_always_sum_to_the_total(total: int, weights: dict[str, int]) -> None:
    shares = apportion(total, weights)
    assert set(shares) == set(weights)
    assert sum(shares.values()) == total
    assert all(share >= 0 for share in shares.values())
    if sum(weights.values()):
        assert all(shares[k] == 0 for k, w in weights.items() if w == 0)


# --- waiting -------------------------------------------------------------------------------


def test_run_until_returns_the_value_or_the_error() -> None:
    clock = FakeClock()
    assert run_until(lambda: 42, clock.monotonic() + 1, clock).value == 42

    def fail() -> int:
        raise KeyError("k")

    outcome = run_until(fail, clock.monotonic() + 1, clock)
    assert outcome.finished
    assert isinstance(outcome.error, KeyError)


def test_run_until_stops_waiting_at_the_deadline() -> None:
    clock = FakeClock()
    release = threading.Event()
    deadline = clock.monotonic() + 10

    def stuck() -> int:
        clock.advance(11)  # time passes (as seen by the cell's clock) ...
        release.wait(30)  # ... and the step never finishes on its own
        return 1

    try:
        outcome = run_until(stuck, deadline, clock, poll_s=0.01)
        assert not outcome.finished
        assert outcome.value is None
    finally:
        release.set()


# --- bad run settings fail before any AWS call --------------------------------------------


def test_scan_cell_rejects_duplicate_check_ids_and_unknown_presets(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    run = RunSettings("r", "R")
    twice = build_checks(["eip-unassociated"]) * 2
    with pytest.raises(ValueError, match="eip-unassociated"):
        scan_cell(None, CELL, run, storage=storage, checks=twice)
    with pytest.raises(UnknownPresetError):
        scan_cell(None, CELL, RunSettings("r", "R", preset="turbo"), storage=storage)
    assert list(storage.list_keys("")) == []
