"""Aggregate a run: every manifest cell's raw output (or its failure) into Parquet tables + summary.json.

Every cell of the manifest gets coverage: its own rows when its raw output is readable;
otherwise one cell-level row (`check_id '-'`) saying why — crashed (from the Distributed
Map's FAILED files), unreadable output, or no output at all. Cells stream through one at a
time (read ahead by a small thread pool, since S3 GETs dominate), rows buffer into bounded
row groups, and tables are written to local temp files and uploaded whole. The partition
`dt` is the run's creation date from run.json, so re-aggregating a run rewrites the same
keys with identical bytes.
"""

from __future__ import annotations

import re
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from orgsweep.pipeline.exceptions import AggregateError
from orgsweep.pipeline.manifest import RunMetadata, read_manifest, read_run_metadata
from orgsweep.pipeline.map_results import read_map_failures
from orgsweep.pipeline.raw import RawCellOutput, read_raw_cell
from orgsweep.pipeline.summary import SummaryBuilder
from orgsweep.pipeline.types import Cell
from orgsweep.storage.layout import raw_cell_key, raw_prefix, summary_key, table_key
from orgsweep.storage.types import Storage
from orgsweep.tables.schemas import TABLES

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_READ_AHEAD = 16
_RUN_ID_TIME_RE = re.compile(r"(\d{8})T\d{6}Z")


@dataclass(frozen=True, slots=True)
class AggregateResult:
    run_id: str
    day: str
    cells: int
    findings: int
    inventory: int
    coverage_rows: int
    status_counts: dict[str, int]
    summary_key: str
    table_keys: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        """The aggregate Lambda's (small) return value."""
        return {
            "run_id": self.run_id,
            "cells": self.cells,
            "findings": self.findings,
            "summary_key": self.summary_key,
            "status_counts": dict(self.status_counts),
        }


def read_ahead(items: Iterable[T], fetch: Callable[[T], R], window: int) -> Iterator[tuple[T, R | BaseException]]:
    """`(item, fetch(item))` in input order, with up to `window` fetches in flight; errors are yielded."""

    def guarded(item: T) -> R | BaseException:
        try:
            return fetch(item)
        except Exception as exc:  # handed to the caller, who records it against the item
            return exc

    if window <= 1:
        for item in items:
            yield item, guarded(item)
        return
    pending: deque[tuple[T, Future[R | BaseException]]] = deque()
    with ThreadPoolExecutor(max_workers=window, thread_name_prefix="orgsweep-read") as pool:
        for item in items:
            pending.append((item, pool.submit(guarded, item)))
            if len(pending) >= window:
                head, future = pending.popleft()
                yield head, future.result()
        while pending:
            head, future = pending.popleft()
            yield head, future.result()


def run_day(
    storage: Storage, run_id: str, metadata: RunMetadata | None, cells: Sequence[Cell], raw_keys: set[str]
) -> str:
    """The run's `dt`: from run.json, else from a default-style run id, else the first cell's start."""
    if metadata is not None:
        return metadata.day
    match = _RUN_ID_TIME_RE.match(run_id)
    if match:
        return datetime.strptime(match.group(1), "%Y%m%d").date().isoformat()  # noqa: DTZ007 (a date only)
    for cell in cells:
        key = raw_cell_key(run_id, cell.account_id, cell.region)
        if key in raw_keys:
            try:
                return datetime.fromisoformat(read_raw_cell(storage, key).started_at).date().isoformat()
            except (ValueError, TypeError):
                continue
    raise AggregateError(f"cannot tell the date of run {run_id!r}: it has no run.json and no readable cell output")


def aggregate(
    run_id: str,
    *,
    storage: Storage,
    row_group_size: int = 65_536,
    read_ahead_window: int = DEFAULT_READ_AHEAD,
    work_dir: Path | None = None,
) -> AggregateResult:
    """Write the run's three tables and summary.json; return counts (never rows)."""
    from orgsweep.pipeline.cellrows import cell_rows
    from orgsweep.tables.writer import ParquetTableWriter

    cells = read_manifest(storage, run_id)
    metadata = read_run_metadata(storage, run_id)
    raw_keys = set(storage.list_keys(raw_prefix(run_id)))
    failures = read_map_failures(storage, run_id)
    day = run_day(storage, run_id, metadata, cells, raw_keys)
    summary = SummaryBuilder(run_id, day, None if metadata is None else metadata.created_at)

    def fetch(cell: Cell) -> RawCellOutput | None:
        key = raw_cell_key(run_id, cell.account_id, cell.region)
        return read_raw_cell(storage, key) if key in raw_keys else None

    keys = {t.name: table_key(t.name, date.fromisoformat(day), run_id) for t in TABLES}
    counts = dict.fromkeys(keys, 0)
    with tempfile.TemporaryDirectory(prefix="orgsweep-aggregate-", dir=work_dir) as tmp:
        paths = {t.name: Path(tmp) / f"{t.name}.parquet" for t in TABLES}
        writers = {t.name: ParquetTableWriter(t, paths[t.name], row_group_size=row_group_size) for t in TABLES}
        try:
            for cell, loaded in read_ahead(cells, fetch, read_ahead_window):
                rows = cell_rows(run_id, cell, loaded, failures.cells.get((cell.account_id, cell.region)))
                for name, batch in rows.batches.items():
                    writers[name].write_batch(batch)
                    counts[name] += batch.num_rows
                summary.add_cell(rows.status, rows.outcome)
                summary.add_findings(rows.findings)
                summary.add_inventory(rows.inventory)
                summary.add_coverage(rows.coverage)
                if rows.started_at is not None and rows.finished_at is not None:
                    summary.add_timing(rows.started_at, rows.finished_at)
        finally:
            for writer in writers.values():
                writer.close()
        for name, path in paths.items():
            storage.put_file(keys[name], path, content_type="application/vnd.apache.parquet")

    expected = {raw_cell_key(run_id, c.account_id, c.region) for c in cells}
    strays = sorted(raw_keys - expected)
    summary.extra = {
        "tables": dict(sorted(keys.items())),
        "raw_outputs_not_in_manifest": {"count": len(strays), "sample": strays[:20]},
        "map_failures": {"files": len(failures.files), "unattributed_entries": failures.unattributed},
    }
    key = summary_key(run_id)
    storage.put_bytes(key, summary.to_json_bytes(), content_type="application/json")
    return AggregateResult(
        run_id=run_id,
        day=day,
        cells=len(cells),
        findings=counts["findings"],
        inventory=counts["inventory"],
        coverage_rows=counts["coverage"],
        status_counts=dict(sorted(summary.cells_by_status.items())),
        summary_key=key,
        table_keys=keys,
    )


__all__ = ["DEFAULT_READ_AHEAD", "AggregateResult", "aggregate", "read_ahead", "run_day"]
