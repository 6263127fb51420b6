"""Every named query, run by DuckDB over the Parquet that aggregate wrote for two runs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from orgsweep.pipeline.aggregate import aggregate
from orgsweep.pipeline.types import Cell
from orgsweep.storage import LocalStorage
from orgsweep.tables.queries import list_named_queries, load_named_query
from tests.aggregate_fixtures import (
    coverage,
    failed_entry,
    finding,
    inventory,
    raw_output,
    seed_run,
    write_result_writer_output,
)

pytestmark = pytest.mark.functional

QUERIES = Path(__file__).resolve().parents[2] / "queries"
RUN1 = "20261121T031500Z-aaaaaa"
RUN2 = "20261122T031500Z-bbbbbb"
A = Cell("111111111111", "alpha", "us-east-1")
B = Cell("222222222222", "beta", "us-east-1")
C = Cell("333333333333", "gamma", "us-east-1")
EBS, EC2, EIP = "ebs-volume-unattached", "ec2-instance-idle", "eip-unassociated"


def _cell(
    storage: LocalStorage,
    run: str,
    cell: Cell,
    found: list[dict[str, Any]],
    cov: list[dict[str, Any]],
    *,
    status: str = "ok",
) -> None:
    inv = [inventory(run, cell, f["resource_id"]) for f in found]
    raw_output(run, cell, status, findings=found, inventory_rows=inv, coverage_rows=cov).write(storage)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    root = tmp_path_factory.mktemp("warehouse")
    storage = LocalStorage(root)

    seed_run(storage, RUN1, [A, B], datetime(2026, 11, 21, 3, 15, tzinfo=UTC))
    _cell(
        storage,
        RUN1,
        A,
        [
            finding(RUN1, A, EBS, "vol-1", cost=8.0),
            finding(RUN1, A, EC2, "i-1", verdict="insufficient_data", cost=30.0),
        ],
        [coverage(RUN1, A, EBS), coverage(RUN1, A, EC2)],
    )
    _cell(storage, RUN1, B, [finding(RUN1, B, EIP, "eip-1", cost=3.6)], [coverage(RUN1, B, EIP)])
    aggregate(RUN1, storage=storage)

    seed_run(storage, RUN2, [A, B, C], datetime(2026, 11, 22, 3, 15, tzinfo=UTC))
    _cell(
        storage,
        RUN2,
        A,
        [
            finding(RUN2, A, EBS, "vol-1", cost=8.0),
            finding(RUN2, A, EBS, "vol-3", cost=16.0),
            finding(RUN2, A, EC2, "i-1", verdict="insufficient_data", cost=30.0),
        ],
        [coverage(RUN2, A, EBS), coverage(RUN2, A, EC2)],
    )
    cause = json.dumps({"errorMessage": "Task timed out after 900.00 seconds"})
    write_result_writer_output(
        storage, RUN2, [failed_entry(B, {"run_id": RUN2}, error="Sandbox.Timedout", cause=cause)]
    )
    _cell(
        storage,
        RUN2,
        C,
        [finding(RUN2, C, EIP, "eip-2", cost=3.6)],
        [
            coverage(RUN2, C, EIP),
            coverage(RUN2, C, EC2, "access_denied", error_code="AccessDenied", error_message="denied"),
        ],
        status="partial",
    )
    aggregate(RUN2, storage=storage)

    connection = duckdb.connect()
    for table in ("findings", "inventory", "coverage"):
        # Athena sees `dt` as a string partition column; make DuckDB see the same.
        connection.execute(
            f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{root}/tables/{table}/*/*.parquet', "
            "hive_partitioning = true, hive_types_autocast = false)"
        )
    yield connection
    connection.close()


def run(connection: duckdb.DuckDBPyConnection, name: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in connection.execute(load_named_query(name, QUERIES).sql).fetchall()]


def test_top_idle_by_cost(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = run(warehouse, "top_idle_by_cost")
    assert [(r[0], r[3], r[5], r[7]) for r in rows] == [
        ("111111111111", EBS, "vol-3", 16.0),
        ("111111111111", EBS, "vol-1", 8.0),
        ("333333333333", EIP, "eip-2", 3.6),
    ]
    assert rows[0] == (
        "111111111111",
        "alpha",
        "us-east-1",
        EBS,
        "AWS::EC2::Volume",
        "vol-3",
        "arn:aws:ec2:us-east-1:111111111111:volume/vol-3",
        16.0,
        "vol-3 is idle",
    )


def test_idle_cost_by_account_and_check(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert run(warehouse, "idle_cost_by_account_and_check") == [
        ("111111111111", "alpha", EBS, 2, 24.0),
        ("333333333333", "gamma", EIP, 1, 3.6),
    ]


def test_coverage_gaps(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert run(warehouse, "coverage_gaps") == [
        ("222222222222", "us-east-1", "-", "error", "Sandbox.Timedout", "Task timed out after 900.00 seconds"),
        ("333333333333", "us-east-1", EC2, "access_denied", "AccessDenied", "denied"),
    ]


def test_findings_trend(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert run(warehouse, "findings_trend") == [
        ("2026-11-21", RUN1, EBS, 1, 1, 8.0),
        ("2026-11-21", RUN1, EC2, 1, 0, 0.0),
        ("2026-11-21", RUN1, EIP, 1, 1, 3.6),
        ("2026-11-22", RUN2, EBS, 2, 2, 24.0),
        ("2026-11-22", RUN2, EC2, 1, 0, 0.0),
        ("2026-11-22", RUN2, EIP, 1, 1, 3.6),
    ]


def test_new_findings_since_previous_run(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert run(warehouse, "new_findings_since_previous_run") == [
        ("111111111111", "alpha", "us-east-1", EBS, "vol-3", "flagged", 16.0, "vol-3 is idle"),
        ("333333333333", "gamma", "us-east-1", EIP, "eip-2", "flagged", 3.6, "eip-2 is idle"),
    ]


def test_every_named_query_is_tested() -> None:
    tested = {name[len("test_") :] for name in globals() if name.startswith("test_")}
    assert {q.name for q in list_named_queries(QUERIES)} <= tested
