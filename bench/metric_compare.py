"""The per-query GetMetricStatistics baseline, and the check that it read what GetMetricData read.

Used by bench/bench_metric_calls.py. Datapoints are compared per period of the query's window
(index = (timestamp - window start) // period) rather than by timestamp: real CloudWatch
aligns both APIs' periods to the window, but moto's GetMetricStatistics starts its periods at
the first sample it finds, so its timestamps are the samples' own.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tests.functional.scan_bigcell import minimum_calls as fewest_calls
from tests.functional.scan_bigcell import queries_by_window

from orgsweep.metrics import MetricQuery, MetricSeries
from orgsweep.metrics.planning import query_window

#: Statistics GetMetricStatistics takes in `Statistics`; anything else (p99, tm90…) is an ExtendedStatistic.
STANDARD_STATISTICS = frozenset({"SampleCount", "Average", "Sum", "Minimum", "Maximum"})
#: One datapoint per period of the window, as {period index: value}.
Buckets = dict[int, float]


@dataclass(frozen=True, slots=True)
class MinimumCalls:
    by_window: dict[int, int]  # lookback days -> distinct queries
    calls: int  # Σ over windows of ceil(queries / 500)


@dataclass
class Comparison:
    agreeing: int = 0
    with_data: int = 0
    mismatches: list[tuple[MetricQuery, str]] = field(default_factory=list)


def minimum_calls(queries: Iterable[MetricQuery]) -> MinimumCalls:
    """The fewest GetMetricData calls for `queries`: ceil(n / 500) per window (datapoints permitting)."""
    distinct = set(queries)
    return MinimumCalls(queries_by_window(distinct), fewest_calls(distinct))


def get_metric_statistics(client: Any, query: MetricQuery, end_time: datetime) -> list[tuple[datetime, float]]:
    """One GetMetricStatistics call for `query` over its window: its (timestamp, value) datapoints."""
    start, end = query_window(query, end_time)
    standard = query.statistic in STANDARD_STATISTICS
    kwargs = {"Statistics": [query.statistic]} if standard else {"ExtendedStatistics": [query.statistic]}
    response = client.get_metric_statistics(
        Namespace=query.namespace,
        MetricName=query.metric_name,
        Dimensions=[{"Name": name, "Value": value} for name, value in query.dimensions],
        StartTime=start,
        EndTime=end,
        Period=query.period,
        **kwargs,
    )
    points = []
    for datapoint in response.get("Datapoints", []):
        value = datapoint[query.statistic] if standard else datapoint["ExtendedStatistics"][query.statistic]
        points.append((datapoint["Timestamp"], float(value)))
    return points


def fetch_baseline(
    client: Any, queries: Sequence[MetricQuery], end_time: datetime
) -> dict[MetricQuery, list[tuple[datetime, float]]]:
    """One call per query, one after another (per resource, per metric)."""
    return {query: get_metric_statistics(client, query, end_time) for query in queries}


def buckets(query: MetricQuery, points: Iterable[tuple[datetime, float]], end_time: datetime) -> Buckets | str:
    """Datapoints by period index in the window, or why they cannot be (a duplicate or outside point)."""
    start, end = query_window(query, end_time)
    periods = math.ceil((end - start).total_seconds() / query.period)
    out: Buckets = {}
    for when, value in points:
        index = int((when - start).total_seconds() // query.period)
        if not 0 <= index < periods:
            return f"datapoint at {when.isoformat()} is outside the window"
        if index in out:
            return f"two datapoints in period {index}"
        out[index] = value
    return out


def compare_series(
    queries: Sequence[MetricQuery],
    batched: Mapping[MetricQuery, MetricSeries],
    baseline: Mapping[MetricQuery, Sequence[tuple[datetime, float]]],
    end_time: datetime,
) -> Comparison:
    """Per query: the batched series and the baseline's datapoints hold the same values per period."""
    result = Comparison()
    for query in queries:
        series = batched.get(query)
        if series is None or query not in baseline:
            result.mismatches.append((query, "missing from the batched fetch" if series is None else "not in baseline"))
            continue
        if not series.is_complete:
            result.mismatches.append((query, f"batched series is {series.status}: {list(series.messages)}"))
            continue
        mine = buckets(query, zip(series.timestamps, series.values, strict=True), end_time)
        theirs = buckets(query, baseline[query], end_time)
        if isinstance(mine, str) or isinstance(theirs, str):
            result.mismatches.append((query, f"batched: {mine}" if isinstance(mine, str) else f"baseline: {theirs}"))
            continue
        result.with_data += bool(mine or theirs)
        if mine.keys() != theirs.keys():
            only = sorted(mine.keys() ^ theirs.keys())
            result.mismatches.append((query, f"periods with data differ at {only} ({len(mine)} vs {len(theirs)})"))
            continue
        differ = [i for i in mine if not math.isclose(mine[i], theirs[i], rel_tol=1e-9, abs_tol=1e-9)]
        if differ:
            i = differ[0]
            result.mismatches.append((query, f"{len(differ)} values differ, e.g. period {i}: {mine[i]} vs {theirs[i]}"))
            continue
        result.agreeing += 1
    return result


__all__ = [
    "STANDARD_STATISTICS",
    "Comparison",
    "MinimumCalls",
    "buckets",
    "compare_series",
    "fetch_baseline",
    "get_metric_statistics",
    "minimum_calls",
]
