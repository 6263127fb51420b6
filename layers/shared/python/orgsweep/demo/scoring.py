"""Read a run's findings back from its Parquet table, to score them against the ground truth."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from orgsweep.demo.exceptions import DemoError

_COLUMNS = "account_id, region, check_id, resource_id, resource_arn, verdict"


def read_findings(root: Path, run_id: str) -> list[dict[str, Any]]:
    """The findings rows of `run_id` under a local results folder (DuckDB over tables/findings)."""
    import duckdb

    files = sorted((root / "tables" / "findings").glob(f"dt=*/{run_id}.parquet"))
    if not files:
        raise DemoError(f"run {run_id} has no findings table under {root}")
    connection = duckdb.connect(":memory:")
    try:
        paths = [str(f) for f in files]
        relation = connection.sql(f"SELECT {_COLUMNS} FROM read_parquet($files)", params={"files": paths})
        rows: list[dict[str, Any]] = relation.to_arrow_table().to_pylist()
    finally:
        connection.close()
    return rows


def scanned_cells(root: Path, run_id: str) -> set[tuple[str, str]]:
    """(account_id, region) of the cells of `run_id` whose checks all ran (no cell-level failure row)."""
    import duckdb

    files = sorted((root / "tables" / "coverage").glob(f"dt=*/{run_id}.parquet"))
    if not files:
        raise DemoError(f"run {run_id} has no coverage table under {root}")
    connection = duckdb.connect(":memory:")
    try:
        relation = connection.sql(
            "SELECT account_id, region FROM read_parquet($files) GROUP BY ALL HAVING bool_and(check_id <> '-')",
            params={"files": [str(f) for f in files]},
        )
        rows = relation.fetchall()
    finally:
        connection.close()
    return {(str(account), str(region)) for account, region in rows}


__all__ = ["read_findings", "scanned_cells"]
