"""Vocabulary shared by every package: verdicts and coverage statuses (public contract)."""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    """What a check concluded about one resource."""

    OK = "ok"
    FLAGGED = "flagged"
    INSUFFICIENT_DATA = "insufficient_data"


class CoverageStatus(StrEnum):
    """Outcome of one (run, account, region, check). Values are written to the coverage table."""

    OK = "ok"
    PARTIAL = "partial"
    ASSUME_ROLE_FAILED = "assume_role_failed"
    REGION_DISABLED = "region_disabled"
    ACCESS_DENIED = "access_denied"
    THROTTLED = "throttled"
    TIMEOUT = "timeout"
    CANCELLED = "cancelled"
    ERROR = "error"


#: check_id used on a coverage row when a cell failed before any check ran.
CELL_LEVEL_CHECK_ID = "-"

__all__ = ["CELL_LEVEL_CHECK_ID", "CoverageStatus", "Verdict"]
