"""The three tables' schemas: the one source of truth (public contract, DESIGN §4).

Columns are declared here in plain Python so that the CDK app (Glue tables), the
aggregator (pyarrow schemas) and the tests all read the same objects; pyarrow is imported
only when an Arrow schema is asked for, so this module loads in Lambda without it.
`dt` is the partition column: it is a path segment (`dt=YYYY-MM-DD`), not stored in files.
"""

from __future__ import annotations

from orgsweep.tables.types import Column, ColumnType, TableSchema


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
