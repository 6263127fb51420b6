"""Glue table inputs from the schemas, and the named-query files."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgsweep.tables.exceptions import NamedQueryError
from orgsweep.tables.glue import glue_table_input, glue_table_input_for_api
from orgsweep.tables.queries import list_named_queries, load_named_query
from orgsweep.tables.schemas import COVERAGE, FINDINGS, TABLES

pytestmark = pytest.mark.unit

QUERIES = Path(__file__).resolve().parents[2] / "queries"


def test_glue_table_input_has_projection_and_parquet_serde() -> None:
    table = glue_table_input(FINDINGS, "hub-results", "/team/sweeps/")
    assert table["name"] == "findings"
    assert table["table_type"] == "EXTERNAL_TABLE"
    assert table["partition_keys"] == [{"name": "dt", "type": "string", "comment": "UTC run date, YYYY-MM-DD"}]
    assert table["parameters"] == {
        "classification": "parquet",
        "EXTERNAL": "TRUE",
        "parquet.compression": "SNAPPY",
        "projection.enabled": "true",
        "projection.dt.type": "date",
        "projection.dt.format": "yyyy-MM-dd",
        "projection.dt.range": "2024-01-01,NOW",
        "projection.dt.interval": "1",
        "projection.dt.interval.unit": "DAYS",
        "storage.location.template": "s3://hub-results/team/sweeps/tables/findings/dt=${dt}/",
    }
    descriptor = table["storage_descriptor"]
    assert descriptor["location"] == "s3://hub-results/team/sweeps/tables/findings/"
    assert descriptor["columns"] == FINDINGS.glue_columns()
    assert (
        descriptor["serde_info"]["serialization_library"]
        == "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    )
    assert glue_table_input(COVERAGE, "b")["storage_descriptor"]["location"] == "s3://b/tables/coverage/"


def test_api_casing_keeps_parameter_keys() -> None:
    table = glue_table_input_for_api(COVERAGE, "b")
    assert table["Name"] == "coverage"
    assert table["Parameters"]["projection.dt.type"] == "date"
    assert table["StorageDescriptor"]["SerdeInfo"]["Parameters"] == {"serialization.format": "1"}
    assert table["StorageDescriptor"]["Columns"][0] == {"Name": "run_id", "Type": "string", "Comment": "Run identifier"}
    assert table["PartitionKeys"][0]["Name"] == "dt"


def test_every_table_converts() -> None:
    assert [glue_table_input_for_api(t, "b")["Name"] for t in TABLES] == ["findings", "inventory", "coverage"]


def test_named_queries_are_listed_with_headers() -> None:
    queries = list_named_queries(QUERIES)
    assert [q.name for q in queries] == [
        "coverage_gaps",
        "findings_trend",
        "idle_cost_by_account_and_check",
        "new_findings_since_previous_run",
        "top_idle_by_cost",
    ]
    for query in queries:
        assert query.description
        assert query.sql.startswith(f"-- name: {query.name}\n-- description: ")
        assert query.body.upper().startswith(("WITH", "SELECT"))
        assert "--" not in query.body.splitlines()[0]
    assert load_named_query("coverage_gaps", QUERIES) == queries[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("SELECT 1", "must start with a '-- name:' comment line"),
        ("-- name: q\nSELECT 1", "must start with a '-- description:' comment line"),
        ("-- name: other\n-- description: d\nSELECT 1", "'-- name: other' must equal the file name (q)"),
    ],
)
def test_bad_query_headers(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "q.sql").write_text(content)
    with pytest.raises(NamedQueryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        list_named_queries(tmp_path)


def test_unknown_query_lists_the_known_ones(tmp_path: Path) -> None:
    (tmp_path / "a.sql").write_text("-- name: a\n-- description: d\nSELECT 1")
    with pytest.raises(NamedQueryError, match=r"no named query 'b' .* \(known: a\)"):
        load_named_query("b", tmp_path)
    with pytest.raises(NamedQueryError, match="is not a named query name"):
        load_named_query("../etc", tmp_path)
    with pytest.raises(NamedQueryError, match="does not exist"):
        list_named_queries(tmp_path / "missing")
