"""Aggregate a run with ok, partial, failed, crashed, missing and unreadable cells."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pyarrow.parquet as pq
import pytest

from orgsweep.pipeline.aggregate import aggregate
from orgsweep.pipeline.exceptions import AggregateError, ManifestError
from orgsweep.pipeline.types import Cell
from orgsweep.storage import LocalStorage, StorageError
from orgsweep.storage.s3 import S3Storage
from orgsweep.tables.schemas import COVERAGE, FINDINGS, INVENTORY
from tests.aggregate_fixtures import (
    T0,
    coverage,
    failed_entry,
    finding,
    inventory,
    raw_output,
    seed_run,
    write_result_writer_output,
)

pytestmark = pytest.mark.functional

REPO = Path(__file__).resolve().parents[2]
RUN = "20261122T031500Z-a1b2c3"
A_US = Cell("111111111111", "alpha", "us-east-1", 0)
A_EU = Cell("111111111111", "alpha", "eu-west-1", 0)
B_US = Cell("222222222222", "beta", "us-east-1", 1)
B_EU = Cell("222222222222", "beta", "eu-west-1", 1)
C_US = Cell("333333333333", "gamma", "us-east-1", 1)
C_EU = Cell("333333333333", "gamma", "eu-west-1", 1)
CELLS = [A_EU, A_US, B_EU, B_US, C_EU, C_US]
RUN_SETTINGS = {"run_id": RUN, "role_name": "OrgSweepReadOnly"}
LAMBDA_CAUSE = json.dumps({"errorMessage": "Task timed out after 900.00 seconds", "errorType": "Sandbox.Timedout"})


def seed_scenario(storage: Any) -> None:
    seed_run(storage, RUN, CELLS)
    # alpha/us-east-1: ok, one flagged and one insufficient_data finding.
    raw_output(
        RUN,
        A_US,
        findings=[
            finding(RUN, A_US, "ebs-volume-unattached", "vol-1", cost=8.0),
            finding(RUN, A_US, "ec2-instance-idle", "i-1", verdict="insufficient_data", cost=30.0),
        ],
        inventory_rows=[inventory(RUN, A_US, "vol-1"), inventory(RUN, A_US, "i-1", created_at=None)],
        coverage_rows=[coverage(RUN, A_US, "ebs-volume-unattached"), coverage(RUN, A_US, "ec2-instance-idle")],
    ).write(storage)
    # alpha/eu-west-1: partial — one check denied.
    raw_output(
        RUN,
        A_EU,
        "partial",
        findings=[finding(RUN, A_EU, "ebs-volume-unattached", "vol-2", cost=12.5)],
        inventory_rows=[inventory(RUN, A_EU, "vol-2")],
        coverage_rows=[
            coverage(RUN, A_EU, "ebs-volume-unattached", throttles=2, retries=2),
            coverage(
                RUN,
                A_EU,
                "ec2-instance-idle",
                "access_denied",
                resources=0,
                error_code="AccessDenied",
                error_message="not allowed",
            ),
        ],
    ).write(storage)
    # beta/us-east-1: the cell failed before any check (its own '-' row).
    raw_output(
        RUN,
        B_US,
        "assume_role_failed",
        coverage_rows=[
            coverage(
                RUN,
                B_US,
                "-",
                "assume_role_failed",
                resources=0,
                api_calls=1,
                error_code="AccessDenied",
                error_message="cannot assume OrgSweepReadOnly",
            )
        ],
    ).write(storage)
    # beta/eu-west-1 crashed (Lambda timeout) -> only in FAILED_0.json.
    write_result_writer_output(
        storage,
        RUN,
        [failed_entry(B_EU, RUN_SETTINGS, error="Sandbox.Timedout", cause=LAMBDA_CAUSE)],
        bucket_prefix=getattr(storage, "prefix", ""),
    )
    # gamma/eu-west-1 wrote an output with a bad timestamp; gamma/us-east-1 wrote nothing.
    bad = finding(RUN, C_EU, "eip-unassociated", "eip-1")
    bad["observed_at"] = "yesterday"
    raw_output(RUN, C_EU, findings=[bad], coverage_rows=[coverage(RUN, C_EU, "eip-unassociated")]).write(storage)


def read_table(root: Path, name: str) -> list[dict[str, Any]]:
    return pq.read_table(root / f"tables/{name}/dt=2026-11-22/{RUN}.parquet").to_pylist()


def test_every_manifest_cell_gets_coverage(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    seed_scenario(storage)
    result = aggregate(RUN, storage=storage, row_group_size=2)

    rows = [
        (r["account_id"][:1], r["region"], r["check_id"], r["status"], r["error_code"], r["error_message"])
        for r in read_table(tmp_path, "coverage")
    ]
    assert rows == [
        ("1", "eu-west-1", "ebs-volume-unattached", "ok", None, None),
        ("1", "eu-west-1", "ec2-instance-idle", "access_denied", "AccessDenied", "not allowed"),
        ("1", "us-east-1", "ebs-volume-unattached", "ok", None, None),
        ("1", "us-east-1", "ec2-instance-idle", "ok", None, None),
        ("2", "eu-west-1", "-", "error", "Sandbox.Timedout", "Task timed out after 900.00 seconds"),
        ("2", "us-east-1", "-", "assume_role_failed", "AccessDenied", "cannot assume OrgSweepReadOnly"),
        (
            "3",
            "eu-west-1",
            "-",
            "error",
            "RawCellFormatError",
            "findings.observed_at: Failed to parse string: 'yesterday' as a scalar of type timestamp[us, tz=UTC]: "
            "expected a zone offset. If these timestamps are in local time, cast to timestamp without timezone, "
            "then call assume_timezone.",
        ),
        ("3", "us-east-1", "-", "error", "NoOutput", "cell produced no output"),
    ]
    crashed = read_table(tmp_path, "coverage")[4]
    assert (crashed["resources_evaluated"], crashed["api_calls"], crashed["duration_ms"]) == (0, None, None)

    findings = read_table(tmp_path, "findings")
    assert [(f["resource_id"], f["verdict"], f["monthly_cost_usd"]) for f in findings] == [
        ("vol-2", "flagged", 12.5),
        ("vol-1", "flagged", 8.0),
        ("i-1", "insufficient_data", 30.0),
    ]
    assert str(findings[0]["observed_at"]) == "2026-11-22 03:16:42.500000+00:00"
    inv = read_table(tmp_path, "inventory")
    assert [(r["resource_id"], r["created_at"] is None) for r in inv] == [
        ("vol-2", False),
        ("vol-1", False),
        ("i-1", True),
    ]
    for name, schema in (("findings", FINDINGS), ("inventory", INVENTORY), ("coverage", COVERAGE)):
        assert pq.read_schema(tmp_path / f"tables/{name}/dt=2026-11-22/{RUN}.parquet").equals(schema.to_arrow())

    assert result.to_dict() == {
        "run_id": RUN,
        "cells": 6,
        "findings": 3,
        "summary_key": f"runs/{RUN}/summary.json",
        "status_counts": {"assume_role_failed": 1, "error": 3, "ok": 1, "partial": 1},
    }
    assert (result.inventory, result.coverage_rows) == (3, 8)


def test_summary_content(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    seed_scenario(storage)
    aggregate(RUN, storage=storage)
    summary = json.loads((tmp_path / f"runs/{RUN}/summary.json").read_text())
    assert summary["dt"] == "2026-11-22"
    assert summary["created_at"] == "2026-11-22T03:15:00+00:00"
    assert summary["cells"] == {
        "total": 6,
        "by_status": {"assume_role_failed": 1, "error": 3, "ok": 1, "partial": 1},
        "by_outcome": {"crashed": 1, "no_output": 1, "output": 3, "unreadable": 1},
    }
    assert summary["coverage_rows_by_status"] == {"access_denied": 1, "assume_role_failed": 1, "error": 3, "ok": 3}
    assert summary["findings"] == {
        "total": 3,
        "by_check": {
            "ebs-volume-unattached": {"findings": 2, "flagged": 2, "insufficient_data": 0, "monthly_cost_usd": 20.5},
            "ec2-instance-idle": {"findings": 1, "flagged": 0, "insufficient_data": 1, "monthly_cost_usd": 0.0},
        },
    }
    assert summary["estimated_monthly_cost_usd"] == {
        "total": 20.5,
        "by_check": {"ebs-volume-unattached": 20.5},
        "by_account": {"111111111111": {"account_name": "alpha", "monthly_cost_usd": 20.5}},
    }
    assert [(t["resource_id"], t["monthly_cost_usd"]) for t in summary["top_findings_by_cost"]] == [
        ("vol-2", 12.5),
        ("vol-1", 8.0),
    ]
    # Four check rows of 3 calls and the failed assume-role's 1; cells without output add nothing.
    assert summary["api"] == {"api_calls": 3 + 3 + 3 + 3 + 1, "throttles": 2, "retries": 2}
    # The bad-timestamp cell is unreadable, so only the three readable outputs count for timing.
    assert summary["duration"] == {
        "first_cell_started_at": T0,
        "last_cell_finished_at": "2026-11-22T03:16:42.500000+00:00",
        "wall_s": 42.5,
        "cell_s_total": 127.5,
    }
    assert summary["inventory"] == {"total": 3, "by_resource_type": {"AWS::EC2::Volume": 3}}
    assert summary["map_failures"] == {"files": 1, "unattributed_entries": 0}
    assert summary["raw_outputs_not_in_manifest"] == {"count": 0, "sample": []}
    assert summary["tables"]["findings"] == f"tables/findings/dt=2026-11-22/{RUN}.parquet"


def test_rerun_writes_identical_bytes(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    seed_scenario(storage)
    aggregate(RUN, storage=storage, row_group_size=2)
    outputs = sorted([*(tmp_path / "tables").rglob("*.parquet"), tmp_path / f"runs/{RUN}/summary.json"])
    first = {p: p.read_bytes() for p in outputs}
    aggregate(RUN, storage=storage, row_group_size=2, read_ahead_window=1)
    assert sorted([*(tmp_path / "tables").rglob("*.parquet"), tmp_path / f"runs/{RUN}/summary.json"]) == outputs
    assert {p: p.read_bytes() for p in outputs} == first


def test_stray_outputs_are_counted_not_aggregated(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    seed_run(storage, RUN, [A_US])
    raw_output(RUN, A_US, coverage_rows=[coverage(RUN, A_US, "eip-unassociated")]).write(storage)
    raw_output(RUN, B_US, coverage_rows=[coverage(RUN, B_US, "eip-unassociated")]).write(storage)
    result = aggregate(RUN, storage=storage)
    summary = json.loads((tmp_path / f"runs/{RUN}/summary.json").read_text())
    assert summary["raw_outputs_not_in_manifest"] == {
        "count": 1,
        "sample": [f"raw/{RUN}/222222222222/us-east-1.json.gz"],
    }
    assert result.coverage_rows == 1


def test_output_without_coverage_rows_gets_one(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    seed_run(storage, RUN, [A_US])
    raw_output(RUN, A_US).write(storage)
    aggregate(RUN, storage=storage)
    rows = read_table(tmp_path, "coverage")
    assert [(r["check_id"], r["status"], r["error_code"]) for r in rows] == [("-", "error", "NoCoverageRows")]


def test_missing_manifest_fails(tmp_path: Path) -> None:
    with pytest.raises(ManifestError):
        aggregate(RUN, storage=LocalStorage(tmp_path))


def test_run_without_metadata_takes_its_date_from_the_run_id(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    seed_run(storage, RUN, [A_US])
    (tmp_path / f"manifests/{RUN}/run.json").unlink()
    assert aggregate(RUN, storage=storage).day == "2026-11-22"


def test_run_without_metadata_or_dated_id_uses_the_first_output(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    seed_run(storage, "custom", [A_US, A_EU])
    (tmp_path / "manifests/custom/run.json").unlink()
    raw_output("custom", A_US, started_at="2026-10-01T23:59:00+00:00").write(storage)
    assert aggregate("custom", storage=storage).day == "2026-10-01"
    seed_run(storage, "nothing", [A_US])
    (tmp_path / "manifests/nothing/run.json").unlink()
    with pytest.raises(AggregateError, match="cannot tell the date of run 'nothing'"):
        aggregate("nothing", storage=storage)


# --- S3 + handler -------------------------------------------------------------------------------


def _load_handler(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"orgsweep_test_{name}_handler", REPO / "functions" / name / "handler.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_handler_aggregates_in_s3(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="hub-results")
    storage = S3Storage(s3, "hub-results", "p")
    seed_scenario(storage)
    monkeypatch.setenv("ORGSWEEP_BUCKET", "hub-results")
    monkeypatch.setenv("ORGSWEEP_PREFIX", "p")
    handler = _load_handler("aggregate").handler
    event = {"run_id": RUN, "manifest": {"bucket": "hub-results", "key": f"p/manifests/{RUN}/cells.json"}}
    result = handler(event, None)
    assert result == {
        "run_id": RUN,
        "cells": 6,
        "findings": 3,
        "summary_key": f"runs/{RUN}/summary.json",
        "status_counts": {"assume_role_failed": 1, "error": 3, "ok": 1, "partial": 1},
    }
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="hub-results", Prefix="p/tables/")["Contents"])
    assert keys == [f"p/tables/{t}/dt=2026-11-22/{RUN}.parquet" for t in ("coverage", "findings", "inventory")]
    summary = json.loads(s3.get_object(Bucket="hub-results", Key=f"p/runs/{RUN}/summary.json")["Body"].read())
    assert summary["cells"]["by_outcome"]["crashed"] == 1
    with pytest.raises(ValueError, match=r"manifest\.key"):
        handler({"run_id": RUN, "manifest": {"bucket": "hub-results", "key": "elsewhere.json"}}, None)


class _FlakyStorage(LocalStorage):
    """Fails to read one cell's output, as S3 would after exhausting its retries."""

    def get_bytes(self, key: str) -> bytes:
        if key.endswith("111111111111/eu-west-1.json.gz"):
            raise StorageError("SlowDown: please reduce your request rate")
        return super().get_bytes(key)


def test_a_storage_failure_fails_the_aggregation_without_writing(tmp_path: Path) -> None:
    seed_scenario(LocalStorage(tmp_path))
    with pytest.raises(AggregateError, match=r"cannot read the output of cell 111111111111/eu-west-1: SlowDown"):
        aggregate(RUN, storage=_FlakyStorage(tmp_path))
    assert not (tmp_path / "tables").exists()
    assert not (tmp_path / "runs").exists()
