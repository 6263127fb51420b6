"""The Glue table inputs are accepted by the Glue API (moto) and read back intact."""

from __future__ import annotations

import boto3
import pytest

from orgsweep.tables.glue import glue_table_input_for_api
from orgsweep.tables.schemas import TABLES

pytestmark = pytest.mark.functional


def test_glue_accepts_every_table(aws: None) -> None:
    glue = boto3.client("glue")
    glue.create_database(DatabaseInput={"Name": "orgsweep"})
    for schema in TABLES:
        glue.create_table(DatabaseName="orgsweep", TableInput=glue_table_input_for_api(schema, "hub-results", "p"))
    for schema in TABLES:
        table = glue.get_table(DatabaseName="orgsweep", Name=schema.name)["Table"]
        assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == list(schema.column_names)
        assert [k["Name"] for k in table["PartitionKeys"]] == ["dt"]
        assert table["Parameters"]["storage.location.template"] == f"s3://hub-results/p/tables/{schema.name}/dt=${{dt}}/"
