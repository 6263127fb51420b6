"""Raw outputs for cells the engine could not scan to the end (cancelled, timed out, crashed).

The aggregator gives every manifest cell coverage; a cell without output would read as a
generic `error NoOutput`. Writing the real reason as a cell-level row (check_id '-') keeps
the coverage table honest: `cancelled` for Ctrl-C, `timeout` for a cell past its budget.
A cell that did write its output (e.g. finished just as the run was cancelled) keeps it.
"""

from __future__ import annotations

from typing import Any

from orgsweep.clock import Clock, iso_utc
from orgsweep.executor import TaskOutcome, TaskStatus
from orgsweep.pipeline.raw import RawCellOutput
from orgsweep.pipeline.rows import CoverageCounts, cell_level_row
from orgsweep.pipeline.types import Cell
from orgsweep.storage.layout import raw_cell_key
from orgsweep.storage.types import Storage
from orgsweep.types import CoverageStatus

_STATUS = {
    TaskStatus.CANCELLED: (CoverageStatus.CANCELLED, "Cancelled", "the run was cancelled before this cell finished"),
    TaskStatus.TIMED_OUT: (CoverageStatus.TIMEOUT, "CellTimeout", "the cell ran past its time budget"),
    TaskStatus.FAILED: (CoverageStatus.ERROR, "CellFailed", "the cell failed"),
}


def write_fallback_output(
    storage: Storage, run_id: str, cell: Cell, outcome: TaskOutcome[Any], clock: Clock
) -> bool:
    """Write a cell-level output for an unsuccessful cell that has none; True when one was written."""
    if outcome.status is TaskStatus.SUCCEEDED or storage.exists(raw_cell_key(run_id, cell.account_id, cell.region)):
        return False
    status, code, message = _STATUS[outcome.status]
    if outcome.error is not None and outcome.status is TaskStatus.FAILED:
        code, message = type(outcome.error).__name__, f"{message}: {outcome.error}"
    now = iso_utc(clock.now()) or ""
    counts = CoverageCounts(duration_ms=max(0, round(outcome.duration_s * 1000)))
    row = cell_level_row(run_id, cell, status, counts, code, message)
    RawCellOutput(
        run_id=run_id,
        account_id=cell.account_id,
        account_name=cell.account_name,
        region=cell.region,
        started_at=now,
        finished_at=now,
        status=status.value,
        coverage=[row],
    ).write(storage)
    return True


__all__ = ["write_fallback_output"]
