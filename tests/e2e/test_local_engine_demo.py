"""The local engine over a seeded demo organization finds exactly what the seed says is idle.

The fleet (2 accounts x 2 regions, every check with idle, busy and no-data resources) is
seeded into an embedded moto server once; the engine scans it through AWS_ENDPOINT_URL like
any boto3 program, and the Parquet findings are scored against the seed's ground truth.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from orgsweep.checks import all_checks
from orgsweep.pipeline.execution_input import parse_execution_input
from orgsweep.storage import LocalStorage
from orgsweep.types import Verdict
from orgsweep_local.demo import DemoServer, FleetSpec, GroundTruth, SeededFleet, seed_fleet
from orgsweep_local.demo.scoring import read_findings, read_table
from orgsweep_local.engine import EngineProgress, EngineResult, LocalEngine

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240), pytest.mark.xdist_group("e2e-local-engine-demo")]

REGIONS = ("us-east-1", "eu-west-1")
ND_CHECKS = {"ebs-volume-idle", "ec2-instance-idle", "rds-instance-idle", "elasticache-cluster-idle"}


class Scanned:
    def __init__(self, fleet: SeededFleet, truth: GroundTruth, result: EngineResult, root: Path,
                 progress: list[EngineProgress]) -> None:
        self.fleet, self.truth, self.result, self.root, self.progress = fleet, truth, result, root, progress


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scanned]:
    root = tmp_path_factory.mktemp("demo-out")
    progress: list[EngineProgress] = []
    with DemoServer() as server, pytest.MonkeyPatch.context() as env:
        fleet, truth = seed_fleet(server.endpoint_url, server.session(), FleetSpec(accounts=2, regions=REGIONS, seed=3))
        env.setenv("AWS_ENDPOINT_URL", server.endpoint_url)
        execution_input = parse_execution_input(
            {"run_id": "e2e-local", "regions": {"include": list(REGIONS)},
             "accounts": {"exclude": [fleet.management_account_id]}}
        )
        engine = LocalEngine(server.session(), LocalStorage(root), on_progress=progress.append)
        result = engine.run(execution_input)
        yield Scanned(fleet, truth, result, root, progress)


def test_the_fleet_covers_every_check_with_idle_and_busy_resources(scanned: Scanned) -> None:
    counts = scanned.truth.counts()
    assert set(counts) == {c.id for c in all_checks()}
    for check_id, verdicts in counts.items():
        assert verdicts.get("flagged", 0) > 0, check_id
        assert verdicts.get("ok", 0) > 0, check_id
        if check_id in ND_CHECKS:
            assert verdicts.get("insufficient_data", 0) > 0, check_id
    cells = {(e.account_id, e.region) for e in scanned.truth.expectations}
    assert cells == {(a, r) for a in scanned.fleet.account_ids for r in REGIONS}


def test_findings_match_the_ground_truth_exactly(scanned: Scanned) -> None:
    findings = read_findings(scanned.root, "e2e-local")
    comparison = scanned.truth.compare(findings)
    assert comparison.ok, "\n".join(str(m) for m in comparison.mismatches)
    assert comparison.matched == len(scanned.truth.expectations)
    assert len(findings) == comparison.expected_findings == len(scanned.truth.expected_findings())
    flagged = [f for f in findings if f["verdict"] == Verdict.FLAGGED]
    assert flagged and len(flagged) < len(findings)  # both verdicts present


def test_every_cell_and_check_is_covered_ok(scanned: Scanned) -> None:
    coverage = read_table(scanned.root, "coverage", "e2e-local")
    assert len(coverage) == 2 * len(REGIONS) * len(all_checks())
    assert {row["status"] for row in coverage} == {"ok"}
    assert scanned.result.all_cells_ok and not scanned.result.cancelled
    assert scanned.result.cell_outcomes == {"succeeded": 4}
    accounts = {row["account_id"] for row in coverage}
    assert scanned.fleet.management_account_id not in accounts


def test_summary_and_inventory_agree_with_the_tables(scanned: Scanned) -> None:
    summary = scanned.result.summary
    assert summary["run_id"] == "e2e-local"
    assert summary["cells"] == {"total": 4, "by_status": {"ok": 4}, "by_outcome": {"output": 4}}
    assert summary["findings"]["total"] == len(scanned.truth.expected_findings())
    inventory = read_table(scanned.root, "inventory", "e2e-local")
    assert summary["inventory"]["total"] == len(inventory) > 0
    assert summary["estimated_monthly_cost_usd"]["total"] > 0


def test_progress_reports_every_phase_and_cell(scanned: Scanned) -> None:
    phases = [p.phase for p in scanned.progress]
    assert phases[0] == "planning" and phases[-1] == "done"
    assert "scanning" in phases and "aggregating" in phases
    last_scan = [p for p in scanned.progress if p.phase == "scanning"][-1]
    assert (last_scan.done, last_scan.total) == (4, 4)
    assert last_scan.findings == len(scanned.truth.expected_findings())
