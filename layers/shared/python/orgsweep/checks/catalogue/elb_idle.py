"""elb-idle: an ALB, NLB or CLB with fewer than `min_daily_requests` on every day.

ALB: AWS/ApplicationELB RequestCount (dimension LoadBalancer = "app/<name>/<id>");
NLB: AWS/NetworkELB NewFlowCount ("net/<name>/<id>"); CLB: AWS/ELB RequestCount
(LoadBalancerName). Daily Sum; CloudWatch publishes nothing on a day without requests,
so a missing day is zero (an incomplete series is not: see `daily`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

from orgsweep.checks import daily
from orgsweep.checks.base import Check
from orgsweep.checks.catalogue._elb import (
    ELBV2_TYPE,
    classic_load_balancers,
    describe,
    elbv2_load_balancers,
    hourly_cost,
)
from orgsweep.checks.registry import register
from orgsweep.checks.support import evidence, fmt_number
from orgsweep.checks.types import CheckContext, Evaluation, Resource
from orgsweep.metrics.types import MetricQuery, MetricSeries
from orgsweep.types import Verdict

#: kind → (namespace, metric, dimension name)
_METRIC = {
    "ALB": ("AWS/ApplicationELB", "RequestCount", "LoadBalancer"),
    "NLB": ("AWS/NetworkELB", "NewFlowCount", "LoadBalancer"),
    "CLB": ("AWS/ELB", "RequestCount", "LoadBalancerName"),
}


@dataclass(frozen=True)
class ElbIdleParams:
    lookback_days: int = daily.lookback_param(7)
    min_daily_requests: int = 100


@register
class ElbIdle(Check):
    id = "elb-idle"
    resource_type = ELBV2_TYPE  # CLBs are reported as AWS::ElasticLoadBalancing::LoadBalancer
    description = "ALB, NLB or CLB with fewer than min_daily_requests requests (NLB: new flows) on every day."
    permissions = (
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeTags",
    )
    Params = ElbIdleParams

    def discover(self, ctx: CheckContext) -> Iterable[Resource]:
        return chain(elbv2_load_balancers(ctx), classic_load_balancers(ctx))

    def _query(self, resource: Resource) -> MetricQuery:
        p: ElbIdleParams = self.params
        namespace, metric, dimension = _METRIC[resource.attributes["kind"]]
        value = resource.resource_id if resource.attributes["kind"] == "CLB" else resource.attributes["dimension"]
        return daily.daily_query(namespace, metric, {dimension: value}, "Sum", p.lookback_days)

    def metric_queries(self, resource: Resource) -> Sequence[MetricQuery]:
        return (self._query(resource),)

    def evaluate(
        self, resource: Resource, metrics: Mapping[MetricQuery, MetricSeries], ctx: CheckContext
    ) -> Evaluation:
        p: ElbIdleParams = self.params
        query = self._query(resource)
        values = daily.zero_filled(daily.day_values(metrics, query, ctx.now))
        problems = daily.data_problems(metrics, query)
        peak = max(values.values(), default=0.0)
        cost = hourly_cost(resource)
        facts = evidence(
            p,
            metric=f"{query.namespace} {query.metric_name}",
            statistic="Sum",
            period=query.period,
            lookback_days=p.lookback_days,
            values=daily.iso_values(values),
            cost=cost,
            peak_daily=peak,
            metric_problems=problems,
        )
        unit = "new flows" if query.metric_name == "NewFlowCount" else "requests"
        what = describe(resource)
        if peak < p.min_daily_requests and problems:
            reason = daily.insufficient_reason(
                what, missing=0, lookback_days=p.lookback_days, metric=query.metric_name, problems=problems
            )
            return Evaluation(Verdict.INSUFFICIENT_DATA, reason, facts, cost.monthly_usd)
        if peak < p.min_daily_requests:
            reason = (
                f"{what} had at most {fmt_number(peak)} {unit} a day over the last {p.lookback_days} days "
                f"(below {fmt_number(p.min_daily_requests)})."
            )
            return Evaluation(Verdict.FLAGGED, reason, facts, cost.monthly_usd)
        reason = f"{what} had up to {fmt_number(peak)} {unit} a day (limit {fmt_number(p.min_daily_requests)})."
        return Evaluation(Verdict.OK, reason, facts, cost.monthly_usd)


__all__ = ["ElbIdle", "ElbIdleParams"]
