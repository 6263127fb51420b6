"""Builders of raw cell outputs, manifests and ResultWriter files for aggregate tests."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from orgsweep.pipeline.manifest import RunMetadata, write_manifest, write_run_metadata
from orgsweep.pipeline.raw import RawCellOutput, Row
from orgsweep.pipeline.types import Cell
from orgsweep.storage.types import Storage

T0 = "2026-11-22T03:16:00+00:00"
T1 = "2026-11-22T03:16:42.500000+00:00"


def finding(
    run_id: str, cell: Cell, check_id: str, resource_id: str, *, verdict: str = "flagged", cost: float = 1.0
) -> Row:
    return {
        "run_id": run_id,
        "account_id": cell.account_id,
        "account_name": cell.account_name,
        "region": cell.region,
        "check_id": check_id,
        "resource_type": "AWS::EC2::Volume",
        "resource_id": resource_id,
        "resource_arn": f"arn:aws:ec2:{cell.region}:{cell.account_id}:volume/{resource_id}",
        "verdict": verdict,
        "reason": f"{resource_id} is idle",
        "evidence": json.dumps({"metric": "VolumeReadOps"}),
        "monthly_cost_usd": cost,
        "tags": "{}",
        "observed_at": T1,
    }


def inventory(run_id: str, cell: Cell, resource_id: str, *, created_at: str | None = T0) -> Row:
    return {
        "run_id": run_id,
        "account_id": cell.account_id,
        "region": cell.region,
        "resource_type": "AWS::EC2::Volume",
        "resource_id": resource_id,
        "resource_arn": f"arn:aws:ec2:{cell.region}:{cell.account_id}:volume/{resource_id}",
        "state": "available",
        "created_at": created_at,
        "tags": "{}",
        "attributes": json.dumps({"size_gb": 100}),
    }


def coverage(
    run_id: str,
    cell: Cell,
    check_id: str,
    status: str = "ok",
    *,
    resources: int = 1,
    api_calls: int = 3,
    throttles: int = 0,
    retries: int = 0,
    error_code: str | None = None,
    error_message: str | None = None,
) -> Row:
    return {
        "run_id": run_id,
        "account_id": cell.account_id,
        "region": cell.region,
        "check_id": check_id,
        "status": status,
        "resources_evaluated": resources,
        "api_calls": api_calls,
        "throttles": throttles,
        "retries": retries,
        "duration_ms": 1200,
        "error_code": error_code,
        "error_message": error_message,
    }


def raw_output(
    run_id: str,
    cell: Cell,
    status: str = "ok",
    *,
    findings: Sequence[Row] = (),
    inventory_rows: Sequence[Row] = (),
    coverage_rows: Sequence[Row] = (),
    started_at: str = T0,
    finished_at: str = T1,
) -> RawCellOutput:
    return RawCellOutput(
        run_id=run_id,
        account_id=cell.account_id,
        account_name=cell.account_name,
        region=cell.region,
        started_at=started_at,
        finished_at=finished_at,
        status=status,
        findings=list(findings),
        inventory=list(inventory_rows),
        coverage=list(coverage_rows),
    )


def seed_run(storage: Storage, run_id: str, cells: Sequence[Cell], created_at: datetime | None = None) -> None:
    created = created_at or datetime(2026, 11, 22, 3, 15, tzinfo=UTC)
    write_run_metadata(storage, RunMetadata(run_id, created, len(cells), {"run_id": run_id}))
    write_manifest(storage, run_id, cells)


def failed_entry(cell: Cell, run: dict[str, Any], *, error: str, cause: str, status: str = "FAILED") -> dict[str, Any]:
    """One child execution as ResultWriter writes it into FAILED_<n>.json."""
    name = f"{cell.account_id}-{cell.region}"
    return {
        "Cause": cause,
        "Error": error,
        "ExecutionArn": f"arn:aws:states:us-east-1:123456789012:execution:orgsweep/Sweep:{name}",
        "Input": json.dumps({"cell": cell.to_dict(), "run": run}),
        "InputDetails": {"Included": True},
        "Name": name,
        "StartDate": "2026-11-22T03:16:00.000Z",
        "StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:orgsweep/Sweep",
        "Status": status,
        "StopDate": "2026-11-22T03:31:00.000Z",
    }


def write_result_writer_output(
    storage: Storage, run_id: str, failed: Sequence[dict[str, Any]], *, bucket_prefix: str = "", map_run: str = "0b1c"
) -> str:
    """manifest.json + FAILED_0.json as ResultWriter lays them out under results/<run_id>/<map run id>/."""
    base = f"results/{run_id}/{map_run}/"
    storage.put_bytes(base + "FAILED_0.json", json.dumps(failed).encode())
    storage.put_bytes(base + "SUCCEEDED_0.json", b"[]")
    manifest = {
        "DestinationBucket": "hub-results",
        "MapRunArn": f"arn:aws:states:us-east-1:123456789012:mapRun:orgsweep/Sweep:{map_run}",
        "ResultFiles": {
            "FAILED": [{"Key": f"{bucket_prefix}{base}FAILED_0.json", "Size": 1}],
            "PENDING": [],
            "SUCCEEDED": [{"Key": f"{bucket_prefix}{base}SUCCEEDED_0.json", "Size": 2}],
        },
    }
    storage.put_bytes(base + "manifest.json", json.dumps(manifest).encode())
    return base
