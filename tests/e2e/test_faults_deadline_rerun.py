"""A cell that runs out of Lambda time keeps what it found; a rerun of a run id replaces, never adds.

Deadline: the scan-cell Lambda handler gets a context with 36 s left and a 30 s safety
margin, so the cell has 6 s; the proxy holds every CloudWatch request for 20 s. Discovery
finishes, the batched metric fetch does not: the checks that need metrics are `timeout`, the
others' findings are kept, and the handler returns in time.

Rerun: the same run id swept twice into the same folder (a fixed clock, so the cells' times
agree) leaves one file per table, byte for byte the same, with no duplicate row.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest

from orgsweep.checks import Check, all_checks
from orgsweep.clock import FakeClock
from orgsweep.pipeline.classify import DEADLINE_ERROR_CODE
from orgsweep.pipeline.raw import read_raw_cell
from orgsweep.storage import LocalStorage
from orgsweep.storage.s3 import S3Storage
from orgsweep_local.demo import FleetSpec, scoped_environ
from orgsweep_local.demo.faults import FaultPlan
from orgsweep_local.demo.scoring import read_table
from tests.e2e.faultkit import FaultFleet, fault_fleet
from tests.functional.test_scan_cell_handler import FakeLambdaContext, load_handler

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

REGION = "us-east-1"
BUCKET = "orgsweep-deadline"


@pytest.fixture(scope="module")
def fleet() -> Iterator[FaultFleet]:
    with fault_fleet(FleetSpec(accounts=2, regions=(REGION,), seed=41, points_per_day=1)) as faulty:
        yield faulty


def _metric_check_ids() -> set[str]:
    # A check needs CloudWatch iff it overrides metric_queries (the base class asks for none).
    return {c.id for c in all_checks() if c.metric_queries is not Check.metric_queries}


def test_a_cell_past_its_deadline_keeps_its_findings_and_times_out_the_rest(fleet: FaultFleet) -> None:
    account_id = fleet.member_ids[0]
    fleet.proxy.configure(FaultPlan(latency_s={"cloudwatch": 20.0}))
    fleet.server.session().client("s3", endpoint_url=fleet.server.endpoint_url).create_bucket(Bucket=BUCKET)
    handler = load_handler()
    handler._base_session.cache_clear()
    event = {
        "cell": {"account_id": account_id, "account_name": "a", "region": REGION, "priority": 0},
        "run": {"run_id": "deadline", "role_name": "OrgSweepReadOnly", "preset": "default"},
    }
    env = {
        "ORGSWEEP_BUCKET": BUCKET,
        "ORGSWEEP_SAFETY_MARGIN_S": "30",
        "POWERTOOLS_SERVICE_NAME": "orgsweep",
        "POWERTOOLS_METRICS_NAMESPACE": "OrgSweep",
    }
    started = time.monotonic()
    with scoped_environ(env):
        result = handler.handler(event, FakeLambdaContext(remaining_ms=36_000))
    elapsed = time.monotonic() - started
    handler._base_session.cache_clear()

    assert elapsed < 36 - 25, "the handler must return well before Lambda would stop it"
    assert result["status"] == "partial"
    storage = S3Storage(boto3.client("s3"), BUCKET)
    output = read_raw_cell(storage, result["key"])
    metric_checks = _metric_check_ids()
    statuses = {row["check_id"]: (row["status"], row["error_code"]) for row in output.coverage}
    assert statuses == {
        c.id: (("timeout", DEADLINE_ERROR_CODE) if c.id in metric_checks else ("ok", None)) for c in all_checks()
    }
    # Every finding of the checks that finished is kept; only the timed-out checks' are missing.
    comparison = fleet.truth.compare(output.findings, cells=[(account_id, REGION)])
    missed = {m.check_id for m in comparison.mismatches}
    assert missed <= metric_checks
    assert all(m.actual == "ok" for m in comparison.mismatches)  # missing, never wrong
    assert {f["check_id"] for f in output.findings} == {
        e.check_id
        for e in fleet.truth.expected_findings()
        if e.account_id == account_id and e.check_id not in metric_checks
    }


def test_a_rerun_of_the_same_run_id_rewrites_identical_tables(fleet: FaultFleet, tmp_path: Path) -> None:
    # A fixed clock, and the aggressive preset whose buckets (burst 20) never make a cell of
    # this fleet wait: the cells' times, durations included, are the same in both runs.
    start = datetime.now(UTC).replace(microsecond=0)
    files: list[dict[str, bytes]] = []
    for _ in range(2):
        fleet.sweep(tmp_path, "rerun", clock=FakeClock(start=start), preset="aggressive")
        files.append(
            {
                str(path.relative_to(tmp_path)): path.read_bytes()
                for path in sorted((tmp_path / "tables").rglob("*"))
                if path.is_file()
            }
            | {"summary": (tmp_path / "runs" / "rerun" / "summary.json").read_bytes()}
        )
    first, second = files
    assert sorted(first) == sorted(second)
    assert len([name for name in first if name.endswith(".parquet")]) == 3  # one file per table
    assert first == second
    for name, key in (
        ("findings", ("account_id", "region", "check_id", "resource_id")),
        ("inventory", ("account_id", "region", "resource_type", "resource_id")),
        ("coverage", ("account_id", "region", "check_id")),
    ):
        rows = read_table(tmp_path, name, "rerun")
        assert rows and len({tuple(row[column] for column in key) for row in rows}) == len(rows), name
    assert LocalStorage(tmp_path).exists("runs/rerun/summary.json")
