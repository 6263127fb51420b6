"""Streaming Parquet writer: exact row groups, type checks naming the column, deterministic bytes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from orgsweep.pipeline.types import Cell
from orgsweep.tables.exceptions import RowFormatError
from orgsweep.tables.schemas import COVERAGE, FINDINGS
from orgsweep.tables.writer import ParquetTableWriter, rows_to_batch
from tests.aggregate_fixtures import coverage, finding

pytestmark = pytest.mark.unit

CELL = Cell("111111111111", "alpha", "us-east-1")


def findings(n: int, start: int = 0) -> list[dict[str, Any]]:
    return [finding("r", CELL, "eip-unassociated", f"eip-{i:05d}", cost=float(i)) for i in range(start, start + n)]


def write(path: Path, chunks: list[list[dict[str, Any]]], row_group_size: int) -> ParquetTableWriter:
    with ParquetTableWriter(FINDINGS, path, row_group_size=row_group_size) as writer:
        for chunk in chunks:
            writer.write_rows(chunk)
    return writer


def test_row_groups_have_exactly_the_configured_size(tmp_path: Path) -> None:
    chunks = [findings(7, 0), findings(1, 7), findings(12, 8), findings(3, 20)]
    writer = write(tmp_path / "f.parquet", chunks, row_group_size=5)
    meta = pq.ParquetFile(tmp_path / "f.parquet").metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [5, 5, 5, 5, 3]
    assert (writer.rows_written, writer.row_groups) == (23, 5)
    table = pq.read_table(tmp_path / "f.parquet")
    assert table.column("resource_id").to_pylist() == [f"eip-{i:05d}" for i in range(23)]


def test_identical_rows_give_identical_bytes_whatever_the_chunking(tmp_path: Path) -> None:
    write(tmp_path / "a.parquet", [findings(50)], row_group_size=16)
    write(tmp_path / "b.parquet", [findings(13), findings(37, 13)], row_group_size=16)
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()


def test_an_empty_table_is_a_valid_file(tmp_path: Path) -> None:
    write(tmp_path / "e.parquet", [], row_group_size=4)
    table = pq.read_table(tmp_path / "e.parquet")
    assert table.num_rows == 0
    assert table.schema.equals(FINDINGS.to_arrow())


def test_timestamps_accept_offsets_and_datetimes() -> None:
    rows = findings(3)
    rows[0]["observed_at"] = "2026-11-22T05:00:00+02:00"
    rows[1]["observed_at"] = "2026-11-22T03:00:00Z"
    rows[2]["observed_at"] = None
    batch = rows_to_batch(FINDINGS, rows)
    assert batch.column("observed_at").to_pylist()[:2] == [datetime(2026, 11, 22, 3, tzinfo=UTC)] * 2
    rows[2]["observed_at"] = datetime(2026, 11, 22, 4, tzinfo=timezone(timedelta(hours=1)))
    assert rows_to_batch(FINDINGS, rows).column("observed_at").to_pylist()[2] == datetime(2026, 11, 22, 3, tzinfo=UTC)


@pytest.mark.parametrize(
    ("table", "column", "value", "message"),
    [
        ("findings", "observed_at", "2026-11-22T03:00:00", "findings.observed_at: Failed to parse string"),
        ("findings", "monthly_cost_usd", "12", "findings.monthly_cost_usd: expected a number, got str '12'"),
        ("findings", "monthly_cost_usd", True, "findings.monthly_cost_usd: expected a number, got bool True"),
        ("findings", "tags", {"a": 1}, "findings.tags: Expected bytes, got a 'dict' object"),
        ("coverage", "api_calls", 1.5, "coverage.api_calls: expected an integer, got float 1.5"),
        ("coverage", "throttles", False, "coverage.throttles: expected an integer, got bool False"),
    ],
)
def test_bad_values_name_their_column(table: str, column: str, value: Any, message: str) -> None:
    row = findings(1)[0] if table == "findings" else coverage("r", CELL, "eip-unassociated")
    row[column] = value
    with pytest.raises(RowFormatError) as info:
        rows_to_batch(FINDINGS if table == "findings" else COVERAGE, [row])
    assert str(info.value).startswith(message)


def test_a_missing_column_is_named() -> None:
    row = findings(1)[0]
    del row["reason"]
    with pytest.raises(RowFormatError, match=r"^findings\.reason: missing from a row$"):
        rows_to_batch(FINDINGS, [row])
