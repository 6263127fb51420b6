"""DuckDB views `findings`, `inventory`, `coverage` over a results store's Parquet tables.

A local folder is read in place (hive partitioning gives the `dt` column, as Athena's
partition projection does). A bucket's `tables/` is downloaded with boto3 into a temporary
folder first: DuckDB's httpfs extension would have to be downloaded, which this tool never
relies on. A table without files becomes an empty view with the right columns.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from orgsweep.tables.schemas import TABLES, TableSchema
from orgsweep_local.cli.exceptions import CliError

_DUCK_TYPES = {"string": "VARCHAR", "double": "DOUBLE", "bigint": "BIGINT", "timestamp": "TIMESTAMPTZ"}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _view_sql(root: Path, schema: TableSchema) -> str:
    folder = root / "tables" / schema.name
    if any(folder.glob("dt=*/*.parquet")):
        pattern = _quote(str(folder / "dt=*" / "*.parquet"))
        return (
            f"CREATE VIEW {schema.name} AS SELECT * FROM read_parquet({pattern}, hive_partitioning = true, "
            "hive_types = {'dt': VARCHAR}, union_by_name = true)"
        )
    columns = ", ".join(f"CAST(NULL AS {_DUCK_TYPES[c.type]}) AS {c.name}" for c in schema.columns)
    return f"CREATE VIEW {schema.name} AS SELECT {columns}, CAST(NULL AS VARCHAR) AS dt WHERE false"


def connect(root: Path) -> Any:
    """An in-memory DuckDB connection with the three views over `root` (a results folder)."""
    import duckdb

    if not any((root / "tables" / t.name).is_dir() for t in TABLES):
        raise CliError(f"no orgsweep tables under {root} (write some with `orgsweep scan` or `orgsweep demo`)")
    connection = duckdb.connect(":memory:")
    for schema in TABLES:
        connection.execute(_view_sql(root, schema))
    return connection


def download_tables(storage: Any, target: Path) -> int:
    """Copy every key under tables/ of `storage` into `target`; return how many files."""
    count = 0
    for key in storage.list_keys("tables/"):
        if not key.endswith(".parquet"):
            continue
        path = target / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(storage.get_bytes(key))
        count += 1
    return count


@contextmanager
def opened(destination: Any) -> Iterator[Any]:
    """A DuckDB connection over a Destination (local folder, or bucket downloaded to a temp folder)."""
    if destination.local_root is not None:
        connection = connect(destination.local_root)
        try:
            yield connection
        finally:
            connection.close()
        return
    with tempfile.TemporaryDirectory(prefix="orgsweep-query-") as tmp:
        if download_tables(destination.storage, Path(tmp)) == 0:
            raise CliError(f"no orgsweep tables under {destination.description}")
        connection = connect(Path(tmp))
        try:
            yield connection
        finally:
            connection.close()


def rows_of(connection: Any, sql: str) -> tuple[list[str], list[dict[str, Any]]]:
    """Column names and rows (dicts) of a query; via Arrow, which needs no pytz for time zones."""
    relation = connection.sql(sql)
    if relation is None:  # a statement without a result (e.g. SET)
        return [], []
    table = relation.to_arrow_table()
    return list(table.column_names), table.to_pylist()


__all__ = ["connect", "download_tables", "opened", "rows_of"]
