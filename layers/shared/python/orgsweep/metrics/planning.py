"""Split metric queries into the fewest GetMetricData calls that AWS accepts.

Pure: no I/O, no clock. Rules, in order:

1. Each query's window is [end_time - lookback_days, end_time). Queries sharing a window share
   calls (whatever their period: one call may mix periods; each query carries its own).
2. A query may return at most ceil(window_seconds / period) datapoints. One whose own maximum
   exceeds `max_datapoints_per_call` is cut into consecutive sub-windows of
   `max_datapoints_per_call * period` seconds (the last one shorter); the pieces are separate
   items in their own (sub-)window groups and the batcher merges them back.
3. Within a window, items are packed first-fit decreasing under two limits per call:
   ≤ `max_queries_per_call` items and Σ max datapoints ≤ `max_datapoints_per_call`.

For N queries of one window whose datapoints allow it (any 500 of them fit in 100,800 points,
e.g. daily or hourly periods over 14 days) this gives exactly ceil(N / 500) calls — the physical
minimum, since AWS takes no more than 500 queries per call. For equal-sized queries it gives
ceil(N / min(500, floor(100,800 / points))), again the minimum (period=60 over 14 days is
20,160 points, so 5 per call).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import groupby

from orgsweep.metrics.exceptions import (
    InvalidEndTimeError,
    InvalidMetricQueryError,
    MetricBatchLimitError,
    MetricsError,
)
from orgsweep.metrics.ids import query_id
from orgsweep.metrics.types import MetricQuery

#: Hard limits of one GetMetricData request (AWS; moto does not enforce them).
MAX_QUERIES_PER_CALL = 500
MAX_DATAPOINTS_PER_CALL = 100_800
#: Dimensions per metric accepted by CloudWatch.
MAX_DIMENSIONS = 30
#: Periods below a minute that CloudWatch accepts (high-resolution metrics); others are multiples of 60.
HIGH_RESOLUTION_PERIODS = frozenset({1, 5, 10, 20, 30})


@dataclass(frozen=True, slots=True)
class QueryPiece:
    """One query over one (sub-)window: the unit that is packed into calls."""

    query: MetricQuery
    query_id: str
    start: datetime
    end: datetime
    datapoints: int


@dataclass(frozen=True, slots=True)
class PlannedCall:
    """One GetMetricData request (before paging): a shared window and its pieces."""

    start: datetime
    end: datetime
    pieces: tuple[QueryPiece, ...]

    @property
    def datapoints(self) -> int:
        """Maximum number of datapoints the call can return."""
        return sum(piece.datapoints for piece in self.pieces)


@dataclass(slots=True)
class _Bin:
    pieces: list[QueryPiece] = field(default_factory=list)
    datapoints: int = 0


def check_limits(max_queries_per_call: int, max_datapoints_per_call: int) -> None:
    """Raise MetricBatchLimitError unless both limits are within what GetMetricData accepts."""
    if not 1 <= max_queries_per_call <= MAX_QUERIES_PER_CALL:
        raise MetricBatchLimitError(
            f"max_queries_per_call must be between 1 and {MAX_QUERIES_PER_CALL}, got {max_queries_per_call}"
        )
    if not 1 <= max_datapoints_per_call <= MAX_DATAPOINTS_PER_CALL:
        raise MetricBatchLimitError(
            f"max_datapoints_per_call must be between 1 and {MAX_DATAPOINTS_PER_CALL}, got {max_datapoints_per_call}"
        )


def utc_end_time(end_time: datetime) -> datetime:
    """`end_time` as a UTC datetime; InvalidEndTimeError if it is naive or not at offset zero."""
    if not isinstance(end_time, datetime):
        raise InvalidEndTimeError(f"end_time must be a datetime, got {type(end_time).__name__}")
    offset = end_time.utcoffset()
    if offset is None:
        raise InvalidEndTimeError(f"end_time must be timezone-aware UTC, got naive {end_time.isoformat()}")
    if offset != timedelta(0):
        raise InvalidEndTimeError(f"end_time must be in UTC (offset 0), got {end_time.isoformat()}")
    return end_time.astimezone(UTC)


def check_query(query: MetricQuery) -> None:
    """Raise InvalidMetricQueryError, naming the field, if CloudWatch would reject `query`."""
    if not isinstance(query, MetricQuery):
        raise InvalidMetricQueryError(f"expected a MetricQuery, got {type(query).__name__}")
    problem = _query_problem(query)
    if problem:
        raise InvalidMetricQueryError(f"{problem} in {query!r}")


def _query_problem(query: MetricQuery) -> str | None:
    for name in ("namespace", "metric_name", "statistic"):
        value = getattr(query, name)
        if not isinstance(value, str) or not value:
            return f"{name} must be a non-empty string"
    period = query.period
    if not isinstance(period, int) or isinstance(period, bool) or period <= 0:
        return f"period must be a positive int of seconds, got {period!r}"
    if period not in HIGH_RESOLUTION_PERIODS and period % 60:
        return f"period must be 1, 5, 10, 20, 30 or a multiple of 60 seconds, got {period}"
    lookback = query.lookback_days
    if not isinstance(lookback, int) or isinstance(lookback, bool) or lookback < 1:
        return f"lookback_days must be an int >= 1, got {lookback!r}"
    if len(query.dimensions) > MAX_DIMENSIONS:
        return f"at most {MAX_DIMENSIONS} dimensions are allowed, got {len(query.dimensions)}"
    for pair in query.dimensions:
        if len(pair) != 2 or not all(isinstance(part, str) and part for part in pair):
            return f"dimensions must be (name, value) pairs of non-empty strings, got {pair!r}"
    return None


def query_window(query: MetricQuery, end_time: datetime) -> tuple[datetime, datetime]:
    """[start, end) of `query`: the `lookback_days` days before `end_time`."""
    return end_time - timedelta(days=query.lookback_days), end_time


def max_datapoints(start: datetime, end: datetime, period: int) -> int:
    """Most datapoints one series can have in [start, end): ceil(seconds / period)."""
    seconds = int((end - start).total_seconds())
    return -(-seconds // period)


def split_query(
    query: MetricQuery, *, end_time: datetime, max_datapoints_per_call: int = MAX_DATAPOINTS_PER_CALL
) -> list[QueryPiece]:
    """`query` as one piece, or as consecutive sub-windows each within `max_datapoints_per_call`."""
    qid = query_id(query)
    start, end = query_window(query, end_time)
    piece_span = timedelta(seconds=query.period * max_datapoints_per_call)
    pieces: list[QueryPiece] = []
    piece_start = start
    while piece_start < end:
        piece_end = min(piece_start + piece_span, end)
        points = max_datapoints(piece_start, piece_end, query.period)
        pieces.append(QueryPiece(query, qid, piece_start, piece_end, points))
        piece_start = piece_end
    return pieces


def plan_calls(
    queries: Iterable[MetricQuery],
    *,
    end_time: datetime,
    max_queries_per_call: int = MAX_QUERIES_PER_CALL,
    max_datapoints_per_call: int = MAX_DATAPOINTS_PER_CALL,
) -> list[PlannedCall]:
    """The calls that fetch every distinct query in `queries`, in a deterministic order.

    Duplicates collapse. Calls are ordered by window, then as packed; pieces inside a call by
    (datapoints descending, id), so the same queries always give the same requests.
    """
    check_limits(max_queries_per_call, max_datapoints_per_call)
    end = utc_end_time(end_time)
    owners: dict[str, MetricQuery] = {}
    groups: dict[tuple[datetime, datetime], list[QueryPiece]] = {}
    for query in dict.fromkeys(queries):
        check_query(query)
        for piece in split_query(query, end_time=end, max_datapoints_per_call=max_datapoints_per_call):
            owner = owners.setdefault(piece.query_id, query)
            if owner != query:
                raise MetricsError(f"query id collision on {piece.query_id}: {owner!r} and {query!r}")
            groups.setdefault((piece.start, piece.end), []).append(piece)
    calls: list[PlannedCall] = []
    for start, stop in sorted(groups):
        for packed in _pack(groups[(start, stop)], max_queries_per_call, max_datapoints_per_call):
            calls.append(PlannedCall(start, stop, tuple(packed.pieces)))
    return calls


def _pack(pieces: list[QueryPiece], max_queries: int, max_points: int) -> list[_Bin]:
    """First-fit decreasing under both limits.

    Items of equal size are placed as a run: a bin too full for one of them is too full for
    all of them, so each run scans the bins once (O(bins + items) per distinct size).
    """
    bins: list[_Bin] = []
    ordered = sorted(pieces, key=lambda piece: (-piece.datapoints, piece.query_id))
    for size, run in groupby(ordered, key=lambda piece: piece.datapoints):
        items = list(run)
        taken = 0
        index = 0
        while taken < len(items):
            if index == len(bins):
                bins.append(_Bin())
            current = bins[index]
            room = min(max_queries - len(current.pieces), (max_points - current.datapoints) // size)
            if room > 0:
                chunk = items[taken : taken + room]
                current.pieces.extend(chunk)
                current.datapoints += size * len(chunk)
                taken += len(chunk)
            index += 1
    return bins


__all__ = [
    "HIGH_RESOLUTION_PERIODS",
    "MAX_DATAPOINTS_PER_CALL",
    "MAX_DIMENSIONS",
    "MAX_QUERIES_PER_CALL",
    "PlannedCall",
    "QueryPiece",
    "check_limits",
    "check_query",
    "max_datapoints",
    "plan_calls",
    "query_window",
    "split_query",
    "utc_end_time",
]
