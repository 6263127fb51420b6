"""Glue table definitions generated from the table schemas (one source of truth), pure Python.

Partition projection on `dt` means no crawler and no MSCK REPAIR: Athena computes the
partitions (one per UTC day since 2024-01-01) from the table parameters alone.

`glue_table_input` returns the snake_case shape of CDK's `glue.CfnTable.TableInputProperty`
(what the CDK app passes as `table_input=`); `glue_table_input_for_api` returns the same
definition in the Glue API's PascalCase (`glue.create_table(TableInput=...)`).
"""

from __future__ import annotations

from typing import Any

from orgsweep.tables.schemas import TableSchema

PARQUET_INPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
PROJECTION_START = "2024-01-01"


def table_location(schema: TableSchema, bucket: str, prefix: str = "") -> str:
    """s3:// URI of the table's folder (the layout of orgsweep.storage.layout.table_prefix)."""
    clean = prefix.strip("/")
    return f"s3://{bucket}/{clean + '/' if clean else ''}tables/{schema.name}/"


def projection_parameters(schema: TableSchema, bucket: str, prefix: str = "") -> dict[str, str]:
    column = schema.partition_column
    return {
        "projection.enabled": "true",
        f"projection.{column}.type": "date",
        f"projection.{column}.format": "yyyy-MM-dd",
        f"projection.{column}.range": f"{PROJECTION_START},NOW",
        f"projection.{column}.interval": "1",
        f"projection.{column}.interval.unit": "DAYS",
        "storage.location.template": f"{table_location(schema, bucket, prefix)}{column}=${{{column}}}/",
    }


def glue_table_input(schema: TableSchema, bucket: str, prefix: str = "") -> dict[str, Any]:
    """The table's definition in the shape of CDK's CfnTable.TableInputProperty (snake_case keys)."""
    return {
        "name": schema.name,
        "description": schema.comment,
        "table_type": "EXTERNAL_TABLE",
        "parameters": {
            "classification": "parquet",
            "EXTERNAL": "TRUE",
            "parquet.compression": "SNAPPY",
            **projection_parameters(schema, bucket, prefix),
        },
        "partition_keys": schema.glue_partition_keys(),
        "storage_descriptor": {
            "columns": schema.glue_columns(),
            "location": table_location(schema, bucket, prefix),
            "input_format": PARQUET_INPUT_FORMAT,
            "output_format": PARQUET_OUTPUT_FORMAT,
            "compressed": True,
            "serde_info": {"serialization_library": PARQUET_SERDE, "parameters": {"serialization.format": "1"}},
        },
    }


def _pascal(key: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in key.split("_"))


def _to_api(value: Any, *, keep_keys: bool = False) -> Any:
    if isinstance(value, dict):
        # Keys of a "parameters" map are data (e.g. projection.dt.type), not field names.
        return {
            (key if keep_keys else _pascal(key)): _to_api(item, keep_keys=key == "parameters")
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_to_api(item) for item in value]
    return value


def glue_table_input_for_api(schema: TableSchema, bucket: str, prefix: str = "") -> dict[str, Any]:
    """The same definition with the Glue API's PascalCase keys (boto3 glue.create_table TableInput)."""
    result: dict[str, Any] = _to_api(glue_table_input(schema, bucket, prefix))
    return result


__all__ = [
    "PARQUET_INPUT_FORMAT",
    "PARQUET_OUTPUT_FORMAT",
    "PARQUET_SERDE",
    "PROJECTION_START",
    "glue_table_input",
    "glue_table_input_for_api",
    "projection_parameters",
    "table_location",
]
