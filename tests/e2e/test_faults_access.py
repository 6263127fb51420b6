"""Denied roles, a disabled opt-in region and a denied service: exactly those gaps, nothing else.

A demo fleet of 4 member accounts (us-east-1 seeded) is swept with `orgsweep scan` over
us-east-1 and the opt-in region ap-east-1, through the fault proxy:
- accounts A and B deny sts:AssumeRole into them        -> assume_role_failed, both regions
- account C has not enabled ap-east-1                   -> region_disabled there, ok in us-east-1
- account D denies every ElastiCache call               -> its cache check access_denied, the rest ok
The CLI exits 3 (finished, some cells not ok), and every other cell is complete.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from orgsweep.checks import all_checks
from orgsweep.types import CELL_LEVEL_CHECK_ID
from orgsweep_local.cli.app import run
from orgsweep_local.cli.exceptions import EXIT_CELLS_NOT_OK
from orgsweep_local.demo import FleetSpec
from orgsweep_local.demo.faults import FaultPlan
from orgsweep_local.demo.scoring import read_table
from tests.e2e.faultkit import FaultFleet, fault_fleet

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

SEEDED, OPT_IN = "us-east-1", "ap-east-1"
RUN_ID = "access-faults"


@pytest.fixture(scope="module")
def fleet() -> Iterator[FaultFleet]:
    with fault_fleet(FleetSpec(accounts=4, regions=(SEEDED,), seed=31, points_per_day=1)) as faulty:
        yield faulty


@pytest.fixture(scope="module")
def swept(fleet: FaultFleet, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    """`orgsweep scan` under the faults: (output folder, exit code, stdout)."""
    a, b, c, d = fleet.member_ids
    fleet.proxy.configure(
        FaultPlan(
            deny=frozenset({(a, "sts"), (b, "sts"), (d, "elasticache")}),
            disabled_regions=frozenset({(c, OPT_IN)}),
        )
    )
    root = tmp_path_factory.mktemp("access-faults")
    argv = [
        "scan",
        "--region",
        SEEDED,
        "--region",
        OPT_IN,
        "--exclude-account",
        fleet.fleet.management_account_id,
        "--run-id",
        RUN_ID,
        "--out",
        str(root),
    ]
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = run(argv)
    return root, code, stdout.getvalue()


def test_the_cli_exits_3_finished_with_cells_not_ok(swept: tuple[Path, int, str]) -> None:
    _, code, stdout = swept
    assert code == EXIT_CELLS_NOT_OK, stdout
    assert "Some cells are not ok" in stdout


def test_each_fault_gives_exactly_its_coverage(fleet: FaultFleet, swept: tuple[Path, int, str]) -> None:
    a, b, c, d = fleet.member_ids
    coverage = read_table(swept[0], "coverage", RUN_ID)
    rows = {(r["account_id"], r["region"], r["check_id"]): r for r in coverage}
    assert len(rows) == len(coverage)  # one row per (account, region, check)
    check_ids = sorted(check.id for check in all_checks())
    expected: dict[tuple[str, str, str], tuple[str, str | None]] = {}
    for region in (SEEDED, OPT_IN):
        for denied in (a, b):
            expected[(denied, region, CELL_LEVEL_CHECK_ID)] = ("assume_role_failed", "AccessDenied")
        for check_id in check_ids:
            if region == SEEDED:
                expected[(c, region, check_id)] = ("ok", None)
            denied_cache = check_id == "elasticache-cluster-idle"
            expected[(d, region, check_id)] = ("access_denied", "AccessDenied") if denied_cache else ("ok", None)
    expected[(c, OPT_IN, CELL_LEVEL_CHECK_ID)] = ("region_disabled", "RegionDisabledException")
    assert {key: (r["status"], r["error_code"]) for key, r in rows.items()} == expected

    summary = json.loads((swept[0] / "runs" / RUN_ID / "summary.json").read_text())
    assert summary["cells"]["by_status"] == {"assume_role_failed": 4, "region_disabled": 1, "ok": 1, "partial": 2}


def test_the_cells_that_ran_found_everything_but_what_coverage_says_was_denied(
    fleet: FaultFleet, swept: tuple[Path, int, str]
) -> None:
    _, _, c, d = fleet.member_ids
    findings = read_table(swept[0], "findings", RUN_ID)
    assert {(f["account_id"], f["region"]) for f in findings} <= {(c, SEEDED), (d, SEEDED)}
    comparison = fleet.truth.compare(findings, cells=[(c, SEEDED), (d, SEEDED)])
    cache = "elasticache-cluster-idle"
    denied = [e for e in fleet.truth.expected_findings() if (e.account_id, e.check_id) == (d, cache)]
    assert denied, "the seed gives account D idle caches"
    # The only misses are D's caches, which coverage reports as access_denied; nothing unexpected.
    assert {(m.account_id, m.check_id, m.actual) for m in comparison.mismatches} == {(d, cache, "ok")}
    assert len(comparison.mismatches) == len(denied)
