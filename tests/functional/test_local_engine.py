"""The local engine in moto: priorities, cancellation (Ctrl-C) and the coverage of cells that did not run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import duckdb
import pytest

from orgsweep.pipeline.execution_input import parse_execution_input
from orgsweep.storage import LocalStorage
from orgsweep.types import CELL_LEVEL_CHECK_ID
from orgsweep_local.engine import EngineProgress, LocalEngine

pytestmark = pytest.mark.functional

REGIONS = ["eu-west-1", "us-east-1"]


@pytest.fixture(autouse=True)
def no_public_amis(monkeypatch: pytest.MonkeyPatch) -> None:
    # moto loads ~600 public AMIs into every new (account, region): seconds each, unused here.
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")


def _organization(names: list[str]) -> list[str]:
    org = boto3.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    return [
        org.create_account(Email=f"{n}@example.com", AccountName=n)["CreateAccountStatus"]["AccountId"] for n in names
    ]


def _coverage(root: Path) -> list[dict[str, Any]]:
    pattern = str(root / "tables" / "coverage" / "dt=*" / "*.parquet")
    relation = duckdb.sql(f"SELECT * FROM read_parquet('{pattern}')")
    assert relation is not None
    rows: list[dict[str, Any]] = relation.to_arrow_table().to_pylist()
    return rows


def _input(run_id: str, accounts: list[str]) -> Any:
    return parse_execution_input(
        {"run_id": run_id, "accounts": {"include": accounts}, "regions": {"include": REGIONS},
         "checks": {"include": ["eip-unassociated"]}}
    )


def test_cells_run_in_manifest_order_and_every_cell_is_covered(
    aws: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts = _organization(["alpha", "beta"])
    started: list[str] = []
    engine = LocalEngine(boto3.Session(region_name="us-east-1"), LocalStorage(tmp_path), max_workers=1)
    from orgsweep.pipeline.scan import scan_cell
    from orgsweep_local.engine import local

    original = scan_cell

    def recording(session: Any, cell: Any, run: Any, **kwargs: Any) -> Any:
        started.append(f"{cell.account_name}/{cell.region}")
        return original(session, cell, run, **kwargs)

    monkeypatch.setattr(local, "scan_cell", recording)
    result = engine.run(_input("order-1", accounts))
    assert started == ["alpha/eu-west-1", "alpha/us-east-1", "beta/eu-west-1", "beta/us-east-1"]
    assert result.all_cells_ok and result.cell_outcomes == {"succeeded": 4}
    rows = _coverage(tmp_path)
    assert {(r["account_id"], r["region"], r["status"]) for r in rows} == {
        (a, r, "ok") for a in accounts for r in REGIONS
    }


def test_cancel_before_cells_start_records_every_cell_as_cancelled(aws: None, tmp_path: Path) -> None:
    accounts = _organization(["alpha", "beta"])
    progress: list[EngineProgress] = []
    engine = LocalEngine(boto3.Session(region_name="us-east-1"), LocalStorage(tmp_path), on_progress=progress.append)
    engine.cancel()  # e.g. Ctrl-C while planning
    result = engine.run(_input("cancel-1", accounts))
    assert result.cancelled and not result.all_cells_ok
    assert result.cell_outcomes == {"cancelled": 4}
    rows = _coverage(tmp_path)
    assert len(rows) == 4
    assert {r["check_id"] for r in rows} == {CELL_LEVEL_CHECK_ID}
    assert {r["status"] for r in rows} == {"cancelled"}
    assert {r["error_code"] for r in rows} == {"Cancelled"}
    summary = json.loads((tmp_path / "runs" / "cancel-1" / "summary.json").read_text())
    assert summary["cells"]["by_status"] == {"cancelled": 4}
    assert progress[-1].phase == "done"


def test_cancel_mid_run_aggregates_what_finished(aws: None, tmp_path: Path) -> None:
    accounts = _organization(["alpha", "beta"])
    engine: LocalEngine

    def on_progress(p: EngineProgress) -> None:
        if p.phase == "scanning" and p.done >= 1:
            engine.cancel()

    engine = LocalEngine(
        boto3.Session(region_name="us-east-1"), LocalStorage(tmp_path), on_progress=on_progress, max_workers=1
    )
    result = engine.run(_input("cancel-2", accounts))
    assert result.cancelled
    rows = _coverage(tmp_path)
    by_cell = {(r["account_id"], r["region"]): r["status"] for r in rows}
    assert len(by_cell) == 4  # every manifest cell has coverage
    statuses = sorted(by_cell.values())
    assert statuses.count("ok") >= 1 and statuses.count("cancelled") >= 1
    assert set(statuses) == {"ok", "cancelled"}
    # The first cell in manifest order finished; the last one never started.
    assert by_cell[(accounts[0], REGIONS[0])] == "ok"
    assert by_cell[(accounts[1], REGIONS[1])] == "cancelled"
    assert sum(result.cell_outcomes.values()) == 4
