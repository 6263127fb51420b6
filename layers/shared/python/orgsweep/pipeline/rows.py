"""Build the raw output's rows: exactly the table columns (orgsweep.tables.schemas), no `dt`.

JSON columns are `json.dumps(sort_keys=True)` and timestamps ISO-8601 with +00:00, so a
cell scanned twice from the same state produces byte-identical rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from orgsweep.checks.types import Evaluation, Resource
from orgsweep.clock import iso_utc
from orgsweep.pipeline.raw import Row
from orgsweep.pipeline.types import Cell
from orgsweep.types import CELL_LEVEL_CHECK_ID, CoverageStatus

#: Longest error message kept on a coverage row (AWS messages can embed whole policies).
MAX_ERROR_MESSAGE = 1000


def to_json(value: Any) -> str:
    """Deterministic compact JSON; datetimes become ISO UTC strings, other unknowns str()."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)


def _json_mapping(value: Mapping[str, Any]) -> str:
    return to_json(dict(value))


def finding_row(
    run_id: str, cell: Cell, *, check_id: str, resource: Resource, evaluation: Evaluation, observed_at: datetime
) -> Row:
    return {
        "run_id": run_id,
        "account_id": cell.account_id,
        "account_name": cell.account_name,
        "region": cell.region,
        "check_id": check_id,
        "resource_type": resource.resource_type,
        "resource_id": resource.resource_id,
        "resource_arn": resource.resource_arn,
        "verdict": str(evaluation.verdict),
        "reason": evaluation.reason,
        "evidence": _json_mapping(evaluation.evidence),
        "monthly_cost_usd": float(evaluation.monthly_cost_usd),
        "tags": _json_mapping(resource.tags),
        "observed_at": iso_utc(observed_at),
    }


def inventory_row(run_id: str, cell: Cell, resource: Resource, attributes: Mapping[str, Any]) -> Row:
    return {
        "run_id": run_id,
        "account_id": cell.account_id,
        "region": cell.region,
        "resource_type": resource.resource_type,
        "resource_id": resource.resource_id,
        "resource_arn": resource.resource_arn,
        "state": resource.state,
        "created_at": iso_utc(resource.created_at),
        "tags": _json_mapping(resource.tags),
        "attributes": _json_mapping(attributes),
    }


@dataclass(frozen=True, slots=True)
class CoverageCounts:
    """The numeric columns of one coverage row."""

    resources_evaluated: int = 0
    api_calls: int = 0
    throttles: int = 0
    retries: int = 0
    duration_ms: int = 0


def coverage_row(
    run_id: str,
    cell: Cell,
    *,
    check_id: str,
    status: CoverageStatus | str,
    counts: CoverageCounts | None,
    error_code: str | None = None,
    error_message: str | None = None,
) -> Row:
    """`counts` None: the numbers are unknown (null), as for a cell the aggregator saw no output of."""
    return {
        "run_id": run_id,
        "account_id": cell.account_id,
        "region": cell.region,
        "check_id": check_id,
        "status": str(status),
        "resources_evaluated": 0 if counts is None else counts.resources_evaluated,
        "api_calls": None if counts is None else counts.api_calls,
        "throttles": None if counts is None else counts.throttles,
        "retries": None if counts is None else counts.retries,
        "duration_ms": None if counts is None else counts.duration_ms,
        "error_code": error_code,
        "error_message": None if error_message is None else error_message[:MAX_ERROR_MESSAGE],
    }


def cell_level_row(  # noqa: PLR0917 - positional use is public (orgsweep.engine.fallback)
    run_id: str, cell: Cell, status: CoverageStatus, counts: CoverageCounts, error_code: str | None, message: str
) -> Row:
    """The single coverage row of a cell that failed as a whole (no check could run)."""
    return coverage_row(
        run_id, cell, check_id=CELL_LEVEL_CHECK_ID, status=status, counts=counts, error_code=error_code,
        error_message=message,
    )


def merge_inventory(run_id: str, cell: Cell, discovered: Iterable[tuple[str, Resource]]) -> list[Row]:
    """One inventory row per (resource_type, resource_id), however many checks saw it.

    `discovered` is (check_id, resource) pairs; attributes of a resource seen by several
    checks are merged, the check with the smallest id winning a conflicting key.
    """
    first: dict[tuple[str, str], Resource] = {}
    attributes: dict[tuple[str, str], dict[str, Any]] = {}
    for _check_id, resource in sorted(discovered, key=lambda pair: (pair[0], pair[1].resource_id)):
        key = (resource.resource_type, resource.resource_id)
        if key not in first:
            first[key] = resource
            attributes[key] = dict(resource.attributes)
        else:
            for name, value in resource.attributes.items():
                attributes[key].setdefault(name, value)
    return [inventory_row(run_id, cell, first[key], attributes[key]) for key in sorted(first)]


def sort_findings(rows: Iterable[Row]) -> list[Row]:
    return sorted(rows, key=lambda r: (r["check_id"], r["resource_id"], r["resource_type"]))


def sort_coverage(rows: Iterable[Row]) -> list[Row]:
    return sorted(rows, key=lambda r: r["check_id"])


__all__ = [
    "MAX_ERROR_MESSAGE",
    "CoverageCounts",
    "cell_level_row",
    "coverage_row",
    "finding_row",
    "inventory_row",
    "merge_inventory",
    "sort_coverage",
    "sort_findings",
    "to_json",
]
