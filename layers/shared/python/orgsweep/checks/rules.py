"""Evaluations for the two single-metric window rules several checks share.

- `max_over_window`: Maximum over the window ≤ limit; missing data → insufficient_data
  (rds-instance-idle, elasticache-cluster-idle).
- `total_over_window`: Sum over the window ≤ limit; a missing day counts as zero
  (nat-gateway-idle, lambda-function-unused, vpc-endpoint-idle).
An incomplete or unfetched series never proves idleness (see `daily`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from orgsweep.checks import daily
from orgsweep.checks.pricing import CostEstimate
from orgsweep.checks.support import evidence, fmt_number
from orgsweep.checks.types import Evaluation
from orgsweep.metrics.types import MetricQuery, MetricSeries
from orgsweep.types import Verdict


def max_over_window(
    params: Any,
    query: MetricQuery,
    metrics: Mapping[MetricQuery, MetricSeries],
    now: datetime,
    *,
    limit: float,
    what: str,
    noun: str,
    cost: CostEstimate,
) -> Evaluation:
    values = daily.day_values(metrics, query, now)
    problems = daily.data_problems(metrics, query)
    verdict, peak = daily.max_rule(values, limit, problems)
    missing = daily.missing_days(values)
    facts = evidence(
        params,
        metric=f"{query.namespace} {query.metric_name}",
        statistic=query.statistic,
        period=query.period,
        lookback_days=query.lookback_days,
        values=daily.iso_values(values),
        cost=cost,
        maximum=peak,
        days_without_data=len(missing),
        metric_problems=problems,
    )
    days = query.lookback_days
    if verdict is Verdict.INSUFFICIENT_DATA:
        reason = daily.insufficient_reason(
            what, missing=len(missing), lookback_days=days, metric=query.metric_name, problems=problems
        )
    else:
        reason = (
            f"{what} had at most {fmt_number(peak or 0.0)} {noun} at any time in the last {days} days; "
            f"the idle threshold is {fmt_number(limit)} or fewer."
        )
    return Evaluation(verdict, reason, facts, cost.monthly_usd)


def total_over_window(
    params: Any,
    query: MetricQuery,
    metrics: Mapping[MetricQuery, MetricSeries],
    now: datetime,
    *,
    limit: float,
    what: str,
    verb: str,
    fmt: Callable[[float], str] = fmt_number,
    cost: CostEstimate,
) -> Evaluation:
    """`verb` reads "<what> <verb> <total> in the last N days", e.g. "was invoked … times"."""
    values = daily.day_values(metrics, query, now)
    problems = daily.data_problems(metrics, query)
    verdict, total = daily.total_rule_zero(values, limit, problems)
    facts = evidence(
        params,
        metric=f"{query.namespace} {query.metric_name}",
        statistic=query.statistic,
        period=query.period,
        lookback_days=query.lookback_days,
        values=daily.iso_values(values),
        cost=cost,
        total=total,
        days_without_data=len(daily.missing_days(values)),
        metric_problems=problems,
    )
    if verdict is Verdict.INSUFFICIENT_DATA:
        reason = daily.insufficient_reason(
            what, missing=0, lookback_days=query.lookback_days, metric=query.metric_name, problems=problems
        )
        return Evaluation(verdict, reason, facts, cost.monthly_usd)
    reason = (
        f"{what} {verb.format(fmt(total))} in the last {query.lookback_days} days; "
        f"the idle threshold is {fmt(limit)} or less."
    )
    return Evaluation(verdict, reason, facts, cost.monthly_usd)


__all__ = ["max_over_window", "total_over_window"]
