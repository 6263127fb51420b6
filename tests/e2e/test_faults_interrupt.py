"""Ctrl-C during `orgsweep scan`: the cells that ran are kept and aggregated, the rest are `cancelled`.

The real CLI runs in a child process against the fault proxy (150 ms per request, so cells
take seconds) over 18 cells with the conservative preset (5 cells at a time). Once the
first cell's output is written, the child gets SIGINT — what a terminal's Ctrl-C sends.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from orgsweep.checks import all_checks
from orgsweep.types import CELL_LEVEL_CHECK_ID
from orgsweep_local.cli.exceptions import EXIT_CELLS_NOT_OK
from orgsweep_local.demo import FleetSpec
from orgsweep_local.demo.faults import FaultPlan
from orgsweep_local.demo.scoring import read_table
from tests.e2e.faultkit import FaultFleet, fault_fleet

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

SEEDED = "us-east-1"
REGIONS = (SEEDED, "eu-west-1", "us-west-2", "eu-central-1", "ap-southeast-2", "ca-central-1")
RUN_ID = "interrupted"
ORGSWEEP = Path(sys.executable).parent / "orgsweep"


@pytest.fixture(scope="module")
def fleet() -> Iterator[FaultFleet]:
    with fault_fleet(FleetSpec(accounts=3, regions=(SEEDED,), seed=51, points_per_day=1)) as faulty:
        yield faulty


@pytest.fixture(scope="module")
def interrupted(fleet: FaultFleet, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    """Run the CLI, interrupt it after its first cell, and return (output folder, exit code, stdout)."""
    fleet.proxy.configure(FaultPlan(latency_s={"*": 0.15}))
    out = tmp_path_factory.mktemp("interrupted")
    argv = [
        str(ORGSWEEP),
        "scan",
        "--preset",
        "conservative",
        "--run-id",
        RUN_ID,
        "--out",
        str(out),
        "--exclude-account",
        fleet.fleet.management_account_id,
    ]
    for region in REGIONS:
        argv += ["--region", region]
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=dict(os.environ))
    raw = out / "raw" / RUN_ID
    deadline = time.monotonic() + 120
    while not (raw.exists() and any(raw.rglob("*.json.gz"))):
        assert child.poll() is None, f"the scan ended before any cell finished:\n{child.communicate()[0]}"
        assert time.monotonic() < deadline, "no cell finished in 120 s"
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    stdout, _ = child.communicate(timeout=180)
    return out, child.returncode, stdout


def test_the_scan_exits_3_and_says_it_was_cancelled(interrupted: tuple[Path, int, str]) -> None:
    _, code, stdout = interrupted
    assert code == EXIT_CELLS_NOT_OK, stdout
    assert "Cancelled" in stdout


def test_every_cell_is_covered_either_complete_or_cancelled(
    fleet: FaultFleet, interrupted: tuple[Path, int, str]
) -> None:
    out = interrupted[0]
    coverage = read_table(out, "coverage", RUN_ID)
    by_cell: dict[tuple[str, str], list[dict[str, object]]] = {}
    for row in coverage:
        by_cell.setdefault((str(row["account_id"]), str(row["region"])), []).append(row)
    assert set(by_cell) == {(account, region) for account in fleet.member_ids for region in REGIONS}
    check_ids = {check.id for check in all_checks()}
    cancelled, complete = [], []
    for cell, rows in by_cell.items():
        if [(r["check_id"], r["status"]) for r in rows] == [(CELL_LEVEL_CHECK_ID, "cancelled")]:
            cancelled.append(cell)
        else:
            assert {r["check_id"] for r in rows} == check_ids and {r["status"] for r in rows} == {"ok"}, cell
            complete.append(cell)
    assert cancelled and complete  # interrupted mid-sweep, not before it or after it
    summary = json.loads((out / "runs" / RUN_ID / "summary.json").read_text())
    assert summary["cells"]["by_status"] == {"cancelled": len(cancelled), "ok": len(complete)}


def test_the_cells_that_ran_found_what_the_seed_put_there(
    fleet: FaultFleet, interrupted: tuple[Path, int, str]
) -> None:
    out = interrupted[0]
    coverage = read_table(out, "coverage", RUN_ID)
    complete = {(r["account_id"], r["region"]) for r in coverage if r["status"] == "ok"}
    findings = read_table(out, "findings", RUN_ID)
    assert {(f["account_id"], f["region"]) for f in findings} <= complete
    comparison = fleet.truth.compare(findings, cells=complete)
    assert comparison.ok, [str(m) for m in comparison.mismatches]
