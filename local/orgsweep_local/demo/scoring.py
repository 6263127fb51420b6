"""Read a run's findings back from its Parquet table, to score them against the ground truth."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from orgsweep_local.demo.exceptions import DemoError

_COLUMNS = "account_id, region, check_id, resource_id, resource_arn, verdict"


@contextmanager
def _table_query(root: Path, table: str, run_id: str, sql: str) -> Iterator[Any]:
    """The DuckDB relation of `sql` over the run's `table` files (bound as $files) under `root`."""
    import duckdb

    files = sorted((root / "tables" / table).glob(f"dt=*/{run_id}.parquet"))
    if not files:
        raise DemoError(f"run {run_id} has no {table} table under {root}")
    connection = duckdb.connect(":memory:")
    try:
        yield connection.sql(sql, params={"files": [str(f) for f in files]})
    finally:
        connection.close()


def read_table(root: Path, table: str, run_id: str, columns: str = "*") -> list[dict[str, Any]]:
    """The rows of `run_id`'s `table` (findings, inventory, coverage) under a local results folder."""
    with _table_query(root, table, run_id, f"SELECT {columns} FROM read_parquet($files)") as relation:
        rows: list[dict[str, Any]] = relation.to_arrow_table().to_pylist()
    return rows


def read_findings(root: Path, run_id: str) -> list[dict[str, Any]]:
    """The findings rows of `run_id` under a local results folder (DuckDB over tables/findings)."""
    return read_table(root, "findings", run_id, _COLUMNS)


def scanned_cells(root: Path, run_id: str) -> set[tuple[str, str]]:
    """(account_id, region) of the cells of `run_id` whose checks all ran (no cell-level failure row)."""
    sql = "SELECT account_id, region FROM read_parquet($files) GROUP BY ALL HAVING bool_and(check_id <> '-')"
    with _table_query(root, "coverage", run_id, sql) as relation:
        rows = relation.fetchall()
    return {(str(account), str(region)) for account, region in rows}


__all__ = ["read_findings", "read_table", "scanned_cells"]
