"""Map what went wrong in a cell to a coverage status, and derive a cell's overall status.

| raised                                               | status             |
|------------------------------------------------------|--------------------|
| AssumeRoleError                                      | assume_role_failed (RegionDisabledException: region_disabled) |
|   ... with a throttling code (retries exhausted)     | throttled (a whole-cell row, like the two above) |
| AuthFailure / OptInRequired / InvalidClientTokenId … | region_disabled (whole cell: every check would fail alike) |
| AccessDenied / UnauthorizedOperation …               | access_denied      |
| a throttling code (botocore's retries exhausted)     | throttled          |
| RateLimitTimeoutError, DeadlineExceededError         | timeout            |
| anything else                                        | error (code = AWS code or exception class) |

Error codes come from `orgsweep.aws.error_code` and the code sets in `orgsweep.aws`
(one list of codes for the whole library).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from orgsweep.aws import (
    AssumeRoleError,
    error_code,
    is_access_denied_error,
    is_region_disabled_error,
    is_throttling_error,
)
from orgsweep.pipeline.exceptions import DeadlineExceededError
from orgsweep.ratelimit import RateLimitTimeoutError
from orgsweep.types import CoverageStatus

#: error_code of a check stopped by the cell's deadline.
DEADLINE_ERROR_CODE = "DeadlineExceeded"
#: error_code of a check whose AWS call the rate limiter refused because of the deadline.
RATE_LIMIT_TIMEOUT_ERROR_CODE = "RateLimitTimeout"

#: What sts:AssumeRole answers when the member account has not enabled the STS endpoint's region.
STS_REGION_DISABLED_ERROR_CODES = frozenset({"RegionDisabledException"})

#: Statuses that describe a whole cell, written as one row with check_id "-".
CELL_LEVEL_STATUSES = frozenset({CoverageStatus.ASSUME_ROLE_FAILED, CoverageStatus.REGION_DISABLED})

#: When no check is ok and the failures differ, the most frequent wins; ties go to the
#: earlier status here (the one an operator can act on most directly).
_FAILURE_PRECEDENCE = (
    CoverageStatus.ACCESS_DENIED,
    CoverageStatus.THROTTLED,
    CoverageStatus.TIMEOUT,
    CoverageStatus.ERROR,
    CoverageStatus.CANCELLED,
)


@dataclass(frozen=True, slots=True)
class Failure:
    """A classified fault: what to write in a coverage row."""

    status: CoverageStatus
    code: str | None
    message: str

    @property
    def is_cell_level(self) -> bool:
        return self.status in CELL_LEVEL_STATUSES


def _chain(exc: BaseException) -> Iterable[BaseException]:
    """exc, then its causes/contexts (a limiter timeout may surface wrapped by botocore)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _message(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def classify(exc: BaseException) -> Failure:
    """The coverage status, error code and message for an exception raised while scanning."""
    if isinstance(exc, AssumeRoleError):
        # Only STS's own "region not activated for that account" means the region is off:
        # InvalidClientTokenId here is the hub's credentials, not the member's region. A
        # throttled AssumeRole (retries exhausted) says "try again later", not "no access".
        sts_code = exc.code or type(exc).__name__
        if sts_code in STS_REGION_DISABLED_ERROR_CODES:
            return Failure(CoverageStatus.REGION_DISABLED, sts_code, _message(exc))
        if is_throttling_error(sts_code):
            return Failure(CoverageStatus.THROTTLED, sts_code, _message(exc))
        return Failure(CoverageStatus.ASSUME_ROLE_FAILED, sts_code, _message(exc))
    for link in _chain(exc):
        if isinstance(link, DeadlineExceededError):
            return Failure(CoverageStatus.TIMEOUT, DEADLINE_ERROR_CODE, _message(link))
        if isinstance(link, RateLimitTimeoutError):
            return Failure(CoverageStatus.TIMEOUT, RATE_LIMIT_TIMEOUT_ERROR_CODE, _message(link))
    code = error_code(exc)
    if code is not None:
        if is_region_disabled_error(code):
            return Failure(CoverageStatus.REGION_DISABLED, code, _message(exc))
        if is_access_denied_error(code):
            return Failure(CoverageStatus.ACCESS_DENIED, code, _message(exc))
        if is_throttling_error(code):
            return Failure(CoverageStatus.THROTTLED, code, _message(exc))
        return Failure(CoverageStatus.ERROR, code, _message(exc))
    return Failure(CoverageStatus.ERROR, type(exc).__name__, _message(exc))


def cell_status(check_statuses: Iterable[CoverageStatus]) -> CoverageStatus:
    """A cell's status from its checks' statuses (cell-level failures are decided before).

    ok when every check is ok (or there is none); partial when some are ok and some are not;
    otherwise the failing status shared by most checks (ties: access_denied, throttled,
    timeout, error, cancelled), or itself if a cell-level status is passed.
    """
    statuses = list(check_statuses)
    for status in statuses:
        if status in CELL_LEVEL_STATUSES:
            return status
    failing = [s for s in statuses if s is not CoverageStatus.OK]
    if not failing:
        return CoverageStatus.OK
    if len(failing) < len(statuses):
        return CoverageStatus.PARTIAL
    counts = Counter(failing)
    rank = {status: index for index, status in enumerate(_FAILURE_PRECEDENCE)}
    return min(counts, key=lambda s: (-counts[s], rank.get(s, len(rank)), str(s)))


__all__ = [
    "CELL_LEVEL_STATUSES",
    "DEADLINE_ERROR_CODE",
    "RATE_LIMIT_TIMEOUT_ERROR_CODE",
    "STS_REGION_DISABLED_ERROR_CODES",
    "Failure",
    "cell_status",
    "classify",
]
