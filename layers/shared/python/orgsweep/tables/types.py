"""Value types of the tables: a column, a table schema (rendered to Arrow and Glue)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pyarrow as pa

ColumnType = Literal["string", "double", "bigint", "timestamp"]

#: Glue / Athena type of each logical column type.
_GLUE_TYPES: dict[ColumnType, str] = {
    "string": "string",
    "double": "double",
    "bigint": "bigint",
    "timestamp": "timestamp",
}


@dataclass(frozen=True, slots=True)
class Column:
    """One data column: its name, logical type and the comment Glue shows."""

    name: str
    type: ColumnType
    comment: str


@dataclass(frozen=True, slots=True)
class TableSchema:
    """One table: its name, data columns (in file order) and the `dt` partition."""

    name: str
    columns: tuple[Column, ...]
    comment: str
    partition_column: str = "dt"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def to_arrow(self) -> pa.Schema:
        """The pyarrow schema of the Parquet files (timestamps in microseconds, UTC)."""
        import pyarrow as pa

        arrow_types = {
            "string": pa.string(),
            "double": pa.float64(),
            "bigint": pa.int64(),
            "timestamp": pa.timestamp("us", tz="UTC"),
        }
        return pa.schema([pa.field(c.name, arrow_types[c.type], nullable=True) for c in self.columns])

    def glue_columns(self) -> list[dict[str, str]]:
        """Columns in the shape of Glue's `StorageDescriptor.Columns`."""
        return [{"name": c.name, "type": _GLUE_TYPES[c.type], "comment": c.comment} for c in self.columns]

    def glue_partition_keys(self) -> list[dict[str, str]]:
        return [{"name": self.partition_column, "type": "string", "comment": "UTC run date, YYYY-MM-DD"}]


__all__ = ["Column", "ColumnType", "TableSchema"]
