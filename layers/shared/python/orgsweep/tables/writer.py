"""Streaming Parquet writing with a bounded buffer: memory stays flat however many rows pass through.

Rows arrive as dicts keyed by column name (timestamps as ISO-8601 strings with an offset,
or datetimes) and are converted and type-checked into Arrow record batches; the writer
buffers batches and emits row groups of exactly `row_group_size` rows (the last one
smaller). Identical input gives byte-identical files.

Needs pyarrow: import this module lazily (not from package `__init__`s).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from orgsweep.tables.exceptions import RowFormatError, TableWriterError
from orgsweep.tables.schemas import TableSchema

DEFAULT_ROW_GROUP_SIZE = 65_536
#: Snappy: read by Athena, DuckDB, Spark and every Parquet tool.
DEFAULT_COMPRESSION = "snappy"

_INT = (int,)
_NUMBER = (int, float)


def _check_python_types(column: str, values: Sequence[Any], allowed: tuple[type, ...], what: str) -> None:
    # Exact type checks: bool is an int subclass and Arrow would silently accept (or truncate) it.
    for value in values:
        if value is not None and type(value) not in allowed:
            raise RowFormatError(f"{column}: expected {what}, got {type(value).__name__} {value!r:.60}")


def _timestamps(values: list[Any], arrow_type: pa.DataType) -> pa.Array:
    # Datetimes go through ISO text too, so a naive one is rejected exactly like a string
    # without an offset; Arrow then parses the whole column at once.
    texts = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return pa.array(texts, type=pa.string()).cast(arrow_type)


@functools.lru_cache(maxsize=16)
def arrow_schema_of(schema: TableSchema) -> pa.Schema:
    return schema.to_arrow()


def rows_to_batch(schema: TableSchema, rows: Sequence[Mapping[str, Any]]) -> pa.RecordBatch:
    """Convert rows to a record batch of `schema`, or raise RowFormatError naming the column."""
    arrow_schema = arrow_schema_of(schema)
    arrays = []
    for column, arrow_field in zip(schema.columns, arrow_schema, strict=True):
        path = f"{schema.name}.{column.name}"
        try:
            values = [row[column.name] for row in rows]
        except KeyError as exc:
            raise RowFormatError(f"{path}: missing from a row") from exc
        if column.type == "bigint":
            _check_python_types(path, values, _INT, "an integer")
        elif column.type == "double":
            _check_python_types(path, values, _NUMBER, "a number")
        try:
            if column.type == "timestamp":
                arrays.append(_timestamps(values, arrow_field.type))
            else:
                arrays.append(pa.array(values, type=arrow_field.type))
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError) as exc:
            raise RowFormatError(f"{path}: {exc}") from exc
    return pa.RecordBatch.from_arrays(arrays, schema=arrow_schema)


class ParquetTableWriter:
    """Write one table's rows to a local Parquet file in fixed-size row groups."""

    def __init__(
        self,
        schema: TableSchema,
        path: Path,
        *,
        row_group_size: int = DEFAULT_ROW_GROUP_SIZE,
        compression: str = DEFAULT_COMPRESSION,
    ) -> None:
        if row_group_size < 1:
            raise TableWriterError(f"row_group_size must be >= 1, got {row_group_size!r}")
        self.schema = schema
        self.path = Path(path)
        self.row_group_size = row_group_size
        self._arrow_schema = arrow_schema_of(schema)
        self._writer = pq.ParquetWriter(str(self.path), self._arrow_schema, compression=compression)
        self._pending: list[pa.RecordBatch] = []
        self._pending_rows = 0
        self.rows_written = 0
        self.row_groups = 0
        self._closed = False

    def write_rows(self, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            self.write_batch(rows_to_batch(self.schema, rows))

    def write_batch(self, batch: pa.RecordBatch) -> None:
        if self._closed:
            raise TableWriterError(f"cannot write to {self.path}: the writer is closed")
        if batch.num_rows == 0:
            return
        self._pending.append(batch)
        self._pending_rows += batch.num_rows
        if self._pending_rows >= self.row_group_size:
            self._drain(final=False)

    def _drain(self, *, final: bool) -> None:
        table = pa.Table.from_batches(self._pending, schema=self._arrow_schema)
        offset = 0
        while table.num_rows - offset >= self.row_group_size or (final and offset < table.num_rows):
            group = table.slice(offset, self.row_group_size)
            self._writer.write_table(group, row_group_size=group.num_rows)
            self.row_groups += 1
            self.rows_written += group.num_rows
            offset += group.num_rows
        rest = table.slice(offset)
        self._pending = rest.to_batches() if rest.num_rows else []
        self._pending_rows = rest.num_rows

    def close(self) -> None:
        if self._closed:
            return
        try:
            if self._pending_rows:
                self._drain(final=True)
        finally:
            self._writer.close()
            self._closed = True

    def __enter__(self) -> ParquetTableWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


__all__ = ["DEFAULT_COMPRESSION", "DEFAULT_ROW_GROUP_SIZE", "ParquetTableWriter", "arrow_schema_of", "rows_to_batch"]
