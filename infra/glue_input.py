"""Glue TableInput of a table in CloudFormation's shape (AWS::Glue::Table `TableInput`).

`orgsweep.tables.glue.glue_table_input(schema, bucket, prefix)` is the one definition of
the tables (partition projection on `dt`); it uses the snake_case names of CDK's
TableInputProperty. CloudFormation wants PascalCase, and the free-form `parameters` maps
(e.g. `projection.dt.type`) must keep their keys - so the conversion is done here, once,
and the result is set as a raw property (what is synthesized is exactly what is tested).
"""

from __future__ import annotations

from typing import Any

from orgsweep.tables.glue import glue_table_input
from orgsweep.tables.schemas import TableSchema

#: Keys whose values are maps of data, not structures: their keys are kept verbatim.
_MAPS = {"Parameters", "SkewedColumnValueLocationMaps"}


def pascal_case(key: str) -> str:
    """`storage_descriptor` -> `StorageDescriptor` (already PascalCase keys are kept)."""
    return "".join(part[:1].upper() + part[1:] for part in key.split("_"))


def cloudformation_case(value: Any) -> Any:
    """Recursively PascalCase structural keys, keeping the contents of parameter maps."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = pascal_case(key)
            out[name] = dict(item) if name in _MAPS else cloudformation_case(item)
        return out
    if isinstance(value, list | tuple):
        return [cloudformation_case(item) for item in value]
    return value


def table_input(schema: TableSchema, bucket_name: str, prefix: str = "") -> dict[str, Any]:
    """The CloudFormation TableInput of `schema` for tables under s3://<bucket>/<prefix>tables/."""
    result: dict[str, Any] = cloudformation_case(glue_table_input(schema, bucket_name, prefix))
    return result


__all__ = ["cloudformation_case", "pascal_case", "table_input"]
