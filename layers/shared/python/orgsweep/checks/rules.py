"""The two single-metric window rules several checks share, and the check classes built on them.

- `max_over_window`: Maximum over the window ≤ limit; missing data → insufficient_data
  (rds-instance-idle, elasticache-cluster-idle).
- `total_over_window`: Sum over the window ≤ limit; a missing day counts as zero
  (nat-gateway-idle, lambda-function-unused, vpc-endpoint-idle).
An incomplete or unfetched series never proves idleness (see `daily`).

A check of that shape derives from `MaxOverWindowCheck` or `TotalOverWindowCheck`, declares
its metric, and writes only `discover`, `metric_dimensions`, `subject` and `cost`.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from orgsweep.checks import daily
from orgsweep.checks.base import Check
from orgsweep.checks.pricing import CostEstimate
from orgsweep.checks.support import evidence, fmt_number
from orgsweep.checks.types import CheckContext, Evaluation, Resource
from orgsweep.metrics.types import MetricQuery, MetricSeries
from orgsweep.types import Verdict


def _window_evidence(
    params: Any, query: MetricQuery, values: daily.DayValues, cost: CostEstimate, **observed: Any
) -> dict[str, Any]:
    return evidence(
        params,
        metric=f"{query.namespace} {query.metric_name}",
        statistic=query.statistic,
        period=query.period,
        lookback_days=query.lookback_days,
        values=daily.iso_values(values),
        cost=cost,
        **observed,
    )


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
    facts = _window_evidence(
        params, query, values, cost, maximum=peak, days_without_data=len(missing), metric_problems=problems
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
    facts = _window_evidence(
        params,
        query,
        values,
        cost,
        total=total,
        days_without_data=len(daily.missing_days(values)),
        metric_problems=problems,
    )
    if verdict is Verdict.INSUFFICIENT_DATA:
        reason = daily.insufficient_reason(
            what, missing=0, lookback_days=query.lookback_days, metric=query.metric_name, problems=problems
        )
    else:
        reason = (
            f"{what} {verb.format(fmt(total))} in the last {query.lookback_days} days; "
            f"the idle threshold is {fmt(limit)} or less."
        )
    return Evaluation(verdict, reason, facts, cost.monthly_usd)


class WindowMetricCheck(Check):
    """A check judged on one daily metric of each resource over `params.lookback_days`.

    Subclasses declare the metric (`namespace`, `metric_name`, `statistic`) and which param
    holds the idle threshold (`limit_param`); their Params must have `lookback_days`.
    """

    namespace: ClassVar[str]
    metric_name: ClassVar[str]
    statistic: ClassVar[str]
    limit_param: ClassVar[str]

    @abstractmethod
    def metric_dimensions(self, resource: Resource) -> Mapping[str, str]:
        """The CloudWatch dimensions of `resource`'s series."""

    @abstractmethod
    def subject(self, resource: Resource) -> str:
        """How the reason names `resource`, e.g. "RDS instance orders (db.t3.micro, postgres)"."""

    @abstractmethod
    def cost(self, resource: Resource) -> CostEstimate:
        """The monthly estimate of `resource` (flagged or not)."""

    @property
    def limit(self) -> float:
        value: float = getattr(self.params, self.limit_param)
        return value

    def metric_query(self, resource: Resource) -> MetricQuery:
        lookback: int = self.params.lookback_days
        return daily.daily_query(
            self.namespace, self.metric_name, self.metric_dimensions(resource), self.statistic, lookback
        )

    def metric_queries(self, resource: Resource) -> Sequence[MetricQuery]:
        return (self.metric_query(resource),)


class MaxOverWindowCheck(WindowMetricCheck):
    """Flagged when the metric's maximum over the window is ≤ the limit (see `max_over_window`)."""

    #: What the metric counts, plural, e.g. "database connections".
    noun: ClassVar[str]

    def evaluate(
        self, resource: Resource, metrics: Mapping[MetricQuery, MetricSeries], ctx: CheckContext
    ) -> Evaluation:
        return max_over_window(
            self.params,
            self.metric_query(resource),
            metrics,
            ctx.now,
            limit=self.limit,
            what=self.subject(resource),
            noun=self.noun,
            cost=self.cost(resource),
        )


class TotalOverWindowCheck(WindowMetricCheck):
    """Flagged when the metric's sum over the window is ≤ the limit (see `total_over_window`)."""

    #: "<subject> <verb> <total>", with "{}" where the formatted total goes, e.g. "processed {}".
    verb: ClassVar[str]

    def format_amount(self, value: float) -> str:
        """How totals and the limit read in the reason (override for bytes)."""
        return fmt_number(value)

    def evaluate(
        self, resource: Resource, metrics: Mapping[MetricQuery, MetricSeries], ctx: CheckContext
    ) -> Evaluation:
        return total_over_window(
            self.params,
            self.metric_query(resource),
            metrics,
            ctx.now,
            limit=self.limit,
            what=self.subject(resource),
            verb=self.verb,
            fmt=self.format_amount,
            cost=self.cost(resource),
        )


__all__ = [
    "MaxOverWindowCheck",
    "TotalOverWindowCheck",
    "WindowMetricCheck",
    "max_over_window",
    "total_over_window",
]
