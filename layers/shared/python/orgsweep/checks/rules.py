"""The two single-metric window rules several checks share, and the check classes built on them.

- `max_over_window`: Maximum over the window ≤ limit; missing data → insufficient_data
  (rds-instance-idle, elasticache-cluster-idle).
- `total_over_window`: Sum over the window ≤ limit; a missing day counts as zero
  (nat-gateway-idle, lambda-function-unused, vpc-endpoint-idle).
An incomplete or unfetched series never proves idleness (see `daily`).

A resource may be measured as several series of the one metric (elasticache-cluster-idle:
CloudWatch publishes CurrConnections per cache node only). The rules then judge the per-day
maximum (max rule) or sum (total rule) of the series, and a day missing from any series is
missing data (`daily.max_rule_across`).

A check of that shape derives from `MaxOverWindowCheck` or `TotalOverWindowCheck`, declares
its metric, and writes only `discover`, `metric_dimensions` (or `metric_dimension_sets` with
`series_dimension` for several series), `subject` and `cost`.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from orgsweep.checks import daily
from orgsweep.checks.base import Check
from orgsweep.checks.pricing import CostEstimate
from orgsweep.checks.series import SeriesWindow
from orgsweep.checks.support import fmt_number
from orgsweep.checks.types import CheckContext, Evaluation, Resource
from orgsweep.metrics.types import MetricQuery, MetricSeries
from orgsweep.types import Verdict


def _peak(values: daily.DayValues) -> float | None:
    known = [v for v in values.values() if v is not None]
    return max(known) if known else None


def max_over_window(
    params: Any,
    queries: Sequence[MetricQuery],
    metrics: Mapping[MetricQuery, MetricSeries],
    now: datetime,
    *,
    limit: float,
    what: str,
    noun: str,
    cost: CostEstimate,
    series_dimension: str | None = None,
) -> Evaluation:
    """The max rule over one series, or over the per-day maximum of several (`series_dimension`
    names them in evidence and reasons). Evidence `values` are the per-day maxima."""
    window = SeriesWindow.read(queries, metrics, now, series_dimension)
    values = daily.max_days(*window.parts)
    verdict, peak = daily.max_rule_across(window.parts, limit, window.problems)
    facts = window.evidence(
        params,
        values,
        cost,
        maximum=peak,
        days_without_data=window.days_without_data,
        metric_problems=window.problems,
        **window.per_series(lambda part: {"maximum": _peak(part)}),
    )
    query = window.query
    days = query.lookback_days
    if verdict is Verdict.INSUFFICIENT_DATA:
        reason = daily.insufficient_reason(
            what,
            missing=window.days_without_data,
            lookback_days=days,
            metric=query.metric_name,
            problems=window.problems,
            where=window.gaps(),
        )
    else:
        busiest = ""
        if series_dimension and len(window.parts) > 1 and peak is not None:
            label = next(lb for lb, part in zip(window.labels, window.parts, strict=True) if _peak(part) == peak)
            busiest = f" (busiest: {series_dimension} {label})"
        reason = (
            f"{what} had at most {fmt_number(peak or 0.0)} {noun} at any time in the last {days} days{busiest}; "
            f"the idle threshold is {fmt_number(limit)} or fewer."
        )
    return Evaluation(verdict, reason, facts, cost.monthly_usd)


def total_over_window(
    params: Any,
    queries: Sequence[MetricQuery],
    metrics: Mapping[MetricQuery, MetricSeries],
    now: datetime,
    *,
    limit: float,
    what: str,
    verb: str,
    fmt: Callable[[float], str] = fmt_number,
    cost: CostEstimate,
    series_dimension: str | None = None,
) -> Evaluation:
    """`verb` reads "<what> <verb> <total> in the last N days", e.g. "was invoked … times".

    Several series add up per day (`daily.add_days`); evidence `values` are the per-day sums.
    """
    window = SeriesWindow.read(queries, metrics, now, series_dimension)
    values = daily.add_days(*window.parts)
    verdict, total = daily.total_rule_zero(values, limit, window.problems)
    facts = window.evidence(
        params,
        values,
        cost,
        total=total,
        days_without_data=window.days_without_data,
        metric_problems=window.problems,
        **window.per_series(lambda part: {"total": sum(daily.zero_filled(part).values())}),
    )
    query = window.query
    if verdict is Verdict.INSUFFICIENT_DATA:
        reason = daily.insufficient_reason(
            what, missing=0, lookback_days=query.lookback_days, metric=query.metric_name, problems=window.problems
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
    A resource has one series (`metric_dimensions`) or several (`metric_dimension_sets`, e.g.
    one per cache node, told apart by `series_dimension`), which the rule combines per day.
    """

    namespace: ClassVar[str]
    metric_name: ClassVar[str]
    statistic: ClassVar[str]
    limit_param: ClassVar[str]
    #: The dimension that tells a resource's series apart when it has several (e.g. "CacheNodeId");
    #: it names each series in the evidence (`observed.per_series`) and in reasons.
    series_dimension: ClassVar[str | None] = None

    def metric_dimensions(self, resource: Resource) -> Mapping[str, str]:
        """The CloudWatch dimensions of `resource`'s one series (or override `metric_dimension_sets`)."""
        raise NotImplementedError(f"{type(self).__name__} defines neither metric_dimensions nor metric_dimension_sets")

    def metric_dimension_sets(self, resource: Resource) -> Sequence[Mapping[str, str]]:
        """The dimensions of each of `resource`'s series, at least one; by default the one of `metric_dimensions`."""
        return (self.metric_dimensions(resource),)

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

    def metric_queries(self, resource: Resource) -> Sequence[MetricQuery]:
        lookback: int = self.params.lookback_days
        return tuple(
            daily.daily_query(self.namespace, self.metric_name, dimensions, self.statistic, lookback)
            for dimensions in self.metric_dimension_sets(resource)
        )


class MaxOverWindowCheck(WindowMetricCheck):
    """Flagged when the metric's maximum over the window is ≤ the limit (see `max_over_window`)."""

    #: What the metric counts, plural, e.g. "database connections".
    noun: ClassVar[str]

    def evaluate(
        self, resource: Resource, metrics: Mapping[MetricQuery, MetricSeries], ctx: CheckContext
    ) -> Evaluation:
        return max_over_window(
            self.params,
            self.metric_queries(resource),
            metrics,
            ctx.now,
            limit=self.limit,
            what=self.subject(resource),
            noun=self.noun,
            cost=self.cost(resource),
            series_dimension=self.series_dimension,
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
            self.metric_queries(resource),
            metrics,
            ctx.now,
            limit=self.limit,
            what=self.subject(resource),
            verb=self.verb,
            fmt=self.format_amount,
            cost=self.cost(resource),
            series_dimension=self.series_dimension,
        )


__all__ = [
    "MaxOverWindowCheck",
    "TotalOverWindowCheck",
    "WindowMetricCheck",
    "max_over_window",
    "total_over_window",
]
