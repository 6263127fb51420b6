"""The three tables' schemas: the one source of truth (public contract, DESIGN §4).

Columns are declared here in plain Python so that the CDK app (Glue tables), the
aggregator (pyarrow schemas) and the tests all read the same objects; pyarrow is imported
only when an Arrow schema is asked for, so this module loads in Lambda without it.
`dt` is the partition column: it is a path segment (`dt=YYYY-MM-DD`), not stored in files.
"""

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


def _c(name: str, type_: ColumnType, comment: str) -> Column:
    return Column(name, type_, comment)


FINDINGS = TableSchema(
    name="findings",
    comment="One row per resource a check flagged or could not decide (insufficient data).",
    columns=(
        _c("run_id", "string", "Run identifier"),
        _c("account_id", "string", "12-digit AWS account id"),
        _c("account_name", "string", "Account name from AWS Organizations"),
        _c("region", "string", "AWS region"),
        _c("check_id", "string", "Check id, e.g. ebs-volume-unattached"),
        _c("resource_type", "string", "Resource type, e.g. AWS::EC2::Volume"),
        _c("resource_id", "string", "Resource id"),
        _c("resource_arn", "string", "Resource ARN"),
        _c("verdict", "string", "flagged | insufficient_data"),
        _c("reason", "string", "One human sentence"),
        _c("evidence", "string", "JSON: metric, statistic, period, lookback, values, thresholds"),
        _c("monthly_cost_usd", "double", "Estimated monthly cost in USD (us-east-1 on-demand); 0 if none"),
        _c("tags", "string", "JSON object of the resource's tags"),
        _c("observed_at", "timestamp", "When the cell evaluated the resource (UTC)"),
    ),
)

INVENTORY = TableSchema(
    name="inventory",
    comment="One row per resource seen by any check.",
    columns=(
        _c("run_id", "string", "Run identifier"),
        _c("account_id", "string", "12-digit AWS account id"),
        _c("region", "string", "AWS region"),
        _c("resource_type", "string", "Resource type, e.g. AWS::EC2::Volume"),
        _c("resource_id", "string", "Resource id"),
        _c("resource_arn", "string", "Resource ARN"),
        _c("state", "string", "Resource state as AWS reports it"),
        _c("created_at", "timestamp", "Creation time (UTC) when AWS reports one"),
        _c("tags", "string", "JSON object of the resource's tags"),
        _c("attributes", "string", "JSON object of type-specific attributes"),
    ),
)

COVERAGE = TableSchema(
    name="coverage",
    comment="One row per (run, account, region, check); check_id '-' when the cell failed before any check.",
    columns=(
        _c("run_id", "string", "Run identifier"),
        _c("account_id", "string", "12-digit AWS account id"),
        _c("region", "string", "AWS region"),
        _c("check_id", "string", "Check id, or '-' for a cell-level failure"),
        _c("status", "string", "ok | partial | assume_role_failed | region_disabled | access_denied | "
           "throttled | timeout | cancelled | error"),
        _c("resources_evaluated", "bigint", "Resources the check evaluated"),
        _c("api_calls", "bigint", "AWS API calls made (retries included)"),
        _c("throttles", "bigint", "Throttling errors received"),
        _c("retries", "bigint", "Retries made"),
        _c("duration_ms", "bigint", "Wall time in milliseconds"),
        _c("error_code", "string", "AWS or orgsweep error code; null when ok"),
        _c("error_message", "string", "Error message; null when ok"),
    ),
)

TABLES: tuple[TableSchema, ...] = (FINDINGS, INVENTORY, COVERAGE)
TABLES_BY_NAME: dict[str, TableSchema] = {t.name: t for t in TABLES}

__all__ = ["COVERAGE", "FINDINGS", "INVENTORY", "TABLES", "TABLES_BY_NAME", "Column", "ColumnType", "TableSchema"]
