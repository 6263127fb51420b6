"""Daily metric windows and the rules DESIGN §4 states over them.

Every metric rule in the catalogue is daily: a query has `period` = 86400 s and a window
of `lookback_days` whole UTC days ending at the start of the cell's current UTC day
(`[end - lookback_days, end)`, end = midnight of `ctx.now`), so "today", still filling,
never counts. A day's value is the datapoint CloudWatch returned for that day, or None
when it returned none.

Missing data, as DESIGN §4's last column says:
- `zero`: a day without a datapoint counts as 0 (CloudWatch publishes nothing for a
  metric with no activity, e.g. RequestCount of an ALB nobody calls).
- `insufficient_data`: data can prove activity but never idleness. A rule that is already
  broken by the days that do have data gives OK; otherwise a missing day (or, for
  ec2-instance-idle, fewer than `min_days` complete days) gives INSUFFICIENT_DATA.
- A resource measured as several series (elasticache-cluster-idle: one per cache node) is
  judged on their per-day maximum (`max_days`, `max_rule_across`): any series can prove
  activity, and a day missing from any series is missing data, since the silent node may be
  the busy one.

Under both policies a series CloudWatch did not return completely (StatusCode other than
Complete: PartialData, Forbidden, InternalError…) or that the cell did not fetch at all is
a data problem, never zero: it can still prove activity, but it turns a would-be FLAGGED
into INSUFFICIENT_DATA (an AccessDenied on metrics must not flag a whole fleet as idle).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from orgsweep.checks.params import bounded
from orgsweep.checks.support import SECONDS_PER_DAY
from orgsweep.metrics.types import MetricQuery, MetricSeries
from orgsweep.types import Verdict

#: CloudWatch keeps 1-hour-or-longer datapoints for 455 days; a longer lookback cannot have data.
MAX_LOOKBACK_DAYS = 455

DayValues = dict[date, float | None]


def lookback_param(default: int) -> Any:
    """A `lookback_days` dataclass field: at least 1 day, at most CloudWatch's retention."""
    return bounded(default, minimum=1, maximum=MAX_LOOKBACK_DAYS)


def window_end(now: datetime) -> datetime:
    """Start (00:00 UTC) of `now`'s UTC day: the exclusive end of every metric window."""
    return datetime.combine(now.astimezone(UTC).date(), time(0), tzinfo=UTC)


def window_days(now: datetime, lookback_days: int) -> list[date]:
    """The `lookback_days` UTC days of the window ending at `window_end(now)`, oldest first."""
    last = window_end(now).date()
    return [last - timedelta(days=lookback_days - i) for i in range(lookback_days)]


def daily_query(
    namespace: str, metric_name: str, dimensions: Mapping[str, str], statistic: str, lookback_days: int
) -> MetricQuery:
    return MetricQuery(
        namespace=namespace,
        metric_name=metric_name,
        dimensions=tuple(dimensions.items()),
        statistic=statistic,
        period=SECONDS_PER_DAY,
        lookback_days=lookback_days,
    )


def day_values(metrics: Mapping[MetricQuery, MetricSeries], query: MetricQuery, now: datetime) -> DayValues:
    """Each day of the query's window → its datapoint, None where there is none.

    A query absent from `metrics` reads as no datapoints here (never a KeyError);
    `data_problems` reports it so no rule mistakes it for a quiet resource.
    """
    values: DayValues = dict.fromkeys(window_days(now, query.lookback_days))
    series = metrics.get(query)
    if series is not None:
        for ts, value in zip(series.timestamps, series.values, strict=True):
            day = (ts.astimezone(UTC) if ts.tzinfo else ts).date()
            if day in values:
                values[day] = float(value)
    return values


def data_problems(
    metrics: Mapping[MetricQuery, MetricSeries],
    *queries: MetricQuery,
    name: Callable[[MetricQuery], str] | None = None,
) -> list[str]:
    """One line per query whose series is incomplete or absent, e.g. "CPUUtilization: Forbidden".

    `name` says how a line names its query (default: the metric name), e.g. with the node
    of a per-node series.
    """
    problems: list[str] = []
    for query in queries:
        label = name(query) if name else query.metric_name
        series = metrics.get(query)
        if series is None:
            problems.append(f"{label}: not fetched")
        elif not series.is_complete:
            detail = f" ({'; '.join(series.messages)})" if series.messages else ""
            problems.append(f"{label}: {series.status}{detail}")
    return problems


def insufficient_reason(
    what: str, *, missing: int, lookback_days: int, metric: str, problems: Sequence[str], where: str = ""
) -> str:
    """The one-sentence reason of an INSUFFICIENT_DATA verdict.

    `where` names the series the gaps are in when a resource has several, e.g. "CacheNodeId 0002".
    """
    if problems:
        return f"{what} has incomplete CloudWatch data ({'; '.join(problems)}), so its idleness cannot be confirmed."
    return (
        f"{what} has no {metric} data{f' from {where}' if where else ''} for {missing} of the last "
        f"{lookback_days} days, so its idleness cannot be confirmed."
    )


def add_days(*parts: DayValues) -> DayValues:
    """Per-day sum of several series over one window; None on a day where every part is None.

    A day where only some parts have data sums what is known (enough to prove activity);
    `complete_days` tells which days had every part.
    """
    days = list(parts[0])
    out: DayValues = {}
    for day in days:
        known = [p[day] for p in parts if p.get(day) is not None]
        out[day] = sum(v for v in known if v is not None) if known else None
    return out


def max_days(*parts: DayValues) -> DayValues:
    """Per-day maximum of several series of one resource (e.g. one per cache node); None on a
    day where every part is None. `complete_days` tells which days had every part."""
    out: DayValues = {}
    for day in parts[0]:
        known = [v for p in parts if (v := p.get(day)) is not None]
        out[day] = max(known) if known else None
    return out


def complete_days(*parts: DayValues) -> list[date]:
    """Days on which every part has a datapoint."""
    return [day for day in parts[0] if all(p.get(day) is not None for p in parts)]


def missing_days(values: DayValues) -> list[date]:
    return [day for day, value in values.items() if value is None]


def zero_filled(values: DayValues) -> dict[date, float]:
    return {day: 0.0 if value is None else value for day, value in values.items()}


def iso_values(values: Mapping[date, Any]) -> dict[str, Any]:
    """Evidence form: ISO date strings as keys, None kept (JSON null) for missing days."""
    return {day.isoformat(): value for day, value in values.items()}


def max_rule(values: DayValues, limit: float, problems: Sequence[str] = ()) -> tuple[Verdict, float | None]:
    """Flag when the maximum over the window is <= limit (missing data → insufficient_data).

    Returns the verdict and the maximum over the days that have data.
    """
    return max_rule_across((values,), limit, problems)


def max_rule_across(
    parts: Sequence[DayValues], limit: float, problems: Sequence[str] = ()
) -> tuple[Verdict, float | None]:
    """`max_rule` over several series of one resource (e.g. one per cache node).

    Activity beats missing data: any known value of any part over `limit` gives OK. Otherwise
    a day missing from any part (or a data problem, or no part at all) gives
    INSUFFICIENT_DATA: a node without data may be the busy one.
    Returns the verdict and the maximum over every known value.
    """
    known = [v for values in parts for v in values.values() if v is not None]
    peak = max(known) if known else None
    if peak is not None and peak > limit:
        return Verdict.OK, peak
    if problems or not parts or any(missing_days(values) for values in parts):
        return Verdict.INSUFFICIENT_DATA, peak
    return Verdict.FLAGGED, peak


def total_rule_zero(values: DayValues, limit: float, problems: Sequence[str] = ()) -> tuple[Verdict, float]:
    """Flag when the sum over the window is <= limit (a missing day counts as zero)."""
    total = sum(zero_filled(values).values())
    if total > limit:
        return Verdict.OK, total
    return (Verdict.INSUFFICIENT_DATA if problems else Verdict.FLAGGED), total


__all__ = [
    "MAX_LOOKBACK_DAYS",
    "DayValues",
    "add_days",
    "complete_days",
    "daily_query",
    "data_problems",
    "day_values",
    "insufficient_reason",
    "iso_values",
    "lookback_param",
    "max_days",
    "max_rule",
    "max_rule_across",
    "missing_days",
    "total_rule_zero",
    "window_days",
    "window_end",
]
