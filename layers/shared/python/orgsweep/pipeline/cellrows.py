"""One manifest cell's contribution to the tables: its own rows, or one row saying why there are none.

| what we found for the cell            | coverage                              | outcome    |
|---------------------------------------|---------------------------------------|------------|
| readable raw output                   | its rows (a '-' row if it had none)   | output     |
| raw output not matching the schema    | '-' error RawCellFormatError          | unreadable |
| in a Distributed Map FAILED file      | '-' error (timeout/cancelled) + Error | crashed    |
| nothing                               | '-' error NoOutput                    | no_output  |

Needs pyarrow (record batches are built here so a bad cell is caught as that cell's fault).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyarrow as pa

from orgsweep.pipeline.exceptions import AggregateError
from orgsweep.pipeline.map_results import CrashedCell, truncate
from orgsweep.pipeline.raw import RawCellFormatError, RawCellOutput, Row
from orgsweep.pipeline.rows import coverage_row
from orgsweep.pipeline.types import Cell
from orgsweep.tables.exceptions import RowFormatError
from orgsweep.tables.schemas import COVERAGE, FINDINGS, INVENTORY
from orgsweep.tables.writer import rows_to_batch
from orgsweep.types import CELL_LEVEL_CHECK_ID, CoverageStatus

_STATUSES = frozenset(s.value for s in CoverageStatus)
_ERROR = CoverageStatus.ERROR.value


@dataclass(slots=True)
class CellRows:
    status: str  # the cell's overall CoverageStatus value
    outcome: str  # output | unreadable | crashed | no_output
    findings: list[Row] = field(default_factory=list)
    inventory: list[Row] = field(default_factory=list)
    coverage: list[Row] = field(default_factory=list)
    batches: dict[str, pa.RecordBatch] = field(default_factory=dict)
    started_at: datetime | None = None
    finished_at: datetime | None = None


def cell_level_row(run_id: str, cell: Cell, status: str, error_code: str, message: str) -> Row:
    """A coverage row for a cell we know nothing else about: counts are unknown (null), not zero."""
    row = coverage_row(run_id, cell, check_id=CELL_LEVEL_CHECK_ID, status=status, counts=None, error_code=error_code)
    # Cut like the Map failure messages it mostly carries (MAX_MESSAGE_CHARS, marked with "…").
    row["error_message"] = truncate(message)
    return row


def _failed(run_id: str, cell: Cell, outcome: str, *, status: str, code: str, message: str) -> CellRows:
    row = cell_level_row(run_id, cell, status, code, message)
    return CellRows(
        status=status, outcome=outcome, coverage=[row], batches={"coverage": rows_to_batch(COVERAGE, [row])}
    )


def _aware(value: Any, name: str) -> datetime:
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    if parsed is None or parsed.tzinfo is None:
        raise RowFormatError(f"{name}: {value!r} is not an ISO-8601 time with a UTC offset")
    return parsed


def _from_output(run_id: str, cell: Cell, raw: RawCellOutput) -> CellRows:
    identity = (raw.run_id, raw.account_id, raw.region)
    if identity != (run_id, cell.account_id, cell.region):
        raise RowFormatError(f"output is for {identity}, not this cell")
    if raw.status not in _STATUSES:
        raise RowFormatError(f"status {raw.status!r} is not a coverage status")
    coverage = raw.coverage or [
        cell_level_row(run_id, cell, _ERROR, "NoCoverageRows", "cell output has no coverage rows")
    ]
    rows = CellRows(
        status=raw.status,
        outcome="output",
        findings=raw.findings,
        inventory=raw.inventory,
        coverage=coverage,
        started_at=_aware(raw.started_at, "started_at"),
        finished_at=_aware(raw.finished_at, "finished_at"),
    )
    for schema, table_rows in ((FINDINGS, rows.findings), (INVENTORY, rows.inventory), (COVERAGE, rows.coverage)):
        if table_rows:
            rows.batches[schema.name] = rows_to_batch(schema, table_rows)
    return rows


def cell_rows(
    run_id: str, cell: Cell, loaded: RawCellOutput | BaseException | None, crash: CrashedCell | None
) -> CellRows:
    """The rows of one cell. `loaded` is its raw output, None if it has none, or the error reading it."""
    if isinstance(loaded, RawCellOutput):
        try:
            return _from_output(run_id, cell, loaded)
        except (RowFormatError, ValueError) as exc:
            return _failed(run_id, cell, "unreadable", status=_ERROR, code="RawCellFormatError", message=str(exc))
    if isinstance(loaded, RawCellFormatError):
        return _failed(run_id, cell, "unreadable", status=_ERROR, code="RawCellFormatError", message=str(loaded))
    if isinstance(loaded, BaseException):
        # A storage failure is not the cell's fault: fail the aggregation (it is retried) rather than
        # publish tables that silently miss a cell's findings.
        raise AggregateError(f"cannot read the output of cell {cell.account_id}/{cell.region}: {loaded}") from loaded
    if crash is not None:
        return _failed(run_id, cell, "crashed", status=crash.status.value, code=crash.error, message=crash.message)
    return _failed(run_id, cell, "no_output", status=_ERROR, code="NoOutput", message="cell produced no output")


__all__ = ["CellRows", "cell_level_row", "cell_rows"]
