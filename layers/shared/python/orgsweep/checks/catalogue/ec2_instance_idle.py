"""ec2-instance-idle: a running instance with low CPU and almost no network traffic.

Daily CPUUtilization Average, NetworkIn Sum and NetworkOut Sum over `lookback_days`.
A day "has data" when all three metrics have a datapoint for it. Flagged when at least
`min_days` days have data and on every such day CPU ≤ `cpu_pct` and NetworkIn+NetworkOut
≤ `net_mb` MB (decimal: 1 MB = 10^6 bytes). Any day whose known values already exceed a
limit proves activity (OK) even when other days lack data; otherwise fewer than
`min_days` days with data → insufficient_data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from orgsweep.checks import daily, pricing
from orgsweep.checks.base import Check
from orgsweep.checks.catalogue._ec2 import INSTANCE_TYPE, instance_resource, instances
from orgsweep.checks.registry import register
from orgsweep.checks.support import BYTES_PER_MB, evidence, fmt_bytes, fmt_number
from orgsweep.checks.types import CheckContext, Evaluation, Resource
from orgsweep.metrics.types import MetricQuery, MetricSeries
from orgsweep.types import Verdict


@dataclass(frozen=True)
class Ec2InstanceIdleParams:
    lookback_days: int = daily.lookback_param(14)
    min_days: int = 4
    cpu_pct: float = 10.0
    net_mb: float = 5.0


@register
class Ec2InstanceIdle(Check):
    id = "ec2-instance-idle"
    resource_type = INSTANCE_TYPE
    description = "Running EC2 instance with low daily CPU and network traffic on every day with data."
    permissions = ("ec2:DescribeInstances",)
    Params = Ec2InstanceIdleParams

    def discover(self, ctx: CheckContext) -> Iterable[Resource]:
        for instance in instances(ctx, "running"):
            yield instance_resource(ctx, instance)

    def _queries(self, resource: Resource) -> tuple[MetricQuery, MetricQuery, MetricQuery]:
        p: Ec2InstanceIdleParams = self.params
        dims = {"InstanceId": resource.resource_id}
        return (
            daily.daily_query("AWS/EC2", "CPUUtilization", dims, "Average", p.lookback_days),
            daily.daily_query("AWS/EC2", "NetworkIn", dims, "Sum", p.lookback_days),
            daily.daily_query("AWS/EC2", "NetworkOut", dims, "Sum", p.lookback_days),
        )

    def metric_queries(self, resource: Resource) -> Sequence[MetricQuery]:
        return self._queries(resource)

    def evaluate(
        self, resource: Resource, metrics: Mapping[MetricQuery, MetricSeries], ctx: CheckContext
    ) -> Evaluation:
        p: Ec2InstanceIdleParams = self.params
        cpu_q, in_q, out_q = self._queries(resource)
        cpu = daily.day_values(metrics, cpu_q, ctx.now)
        net_in, net_out = daily.day_values(metrics, in_q, ctx.now), daily.day_values(metrics, out_q, ctx.now)
        net = daily.add_days(net_in, net_out)
        problems = daily.data_problems(metrics, cpu_q, in_q, out_q)
        max_net = p.net_mb * BYTES_PER_MB
        with_data = daily.complete_days(cpu, net_in, net_out)
        busy_cpu = [d for d, v in cpu.items() if v is not None and v > p.cpu_pct]
        busy_net = [d for d, v in net.items() if v is not None and v > max_net]
        itype = resource.attributes["instance_type"]
        cost = pricing.ec2_instance(itype)
        facts: dict[str, Any] = evidence(
            p,
            metric="AWS/EC2 CPUUtilization (Average); NetworkIn+NetworkOut (Sum)",
            statistic="Average,Sum",
            period=cpu_q.period,
            lookback_days=p.lookback_days,
            values={day.isoformat(): {"cpu_pct": cpu[day], "network_bytes": net[day]} for day in cpu},
            cost=cost,
            days_with_data=len(with_data),
            busy_days=len(set(busy_cpu) | set(busy_net)),
            metric_problems=problems,
        )
        what = f"EC2 instance {resource.resource_id} ({itype})"
        if busy_cpu or busy_net:
            peak_cpu = max((v for v in cpu.values() if v is not None), default=0.0)
            peak_net = max((v for v in net.values() if v is not None), default=0.0)
            reason = (
                f"{what} is in use: daily CPU up to {fmt_number(peak_cpu)}% (limit {fmt_number(p.cpu_pct)}%), "
                f"network up to {fmt_bytes(peak_net)} a day (limit {fmt_number(p.net_mb)} MB)."
            )
            return Evaluation(Verdict.OK, reason, facts, cost.monthly_usd)
        if problems:
            reason = daily.insufficient_reason(
                what, missing=0, lookback_days=p.lookback_days, metric="CPU/network", problems=problems
            )
            return Evaluation(Verdict.INSUFFICIENT_DATA, reason, facts, cost.monthly_usd)
        if len(with_data) < p.min_days:
            reason = (
                f"{what} has metric data for only {len(with_data)} of the last {p.lookback_days} days "
                f"(at least {p.min_days} needed)."
            )
            return Evaluation(Verdict.INSUFFICIENT_DATA, reason, facts, cost.monthly_usd)
        peak_cpu = max((v for d in with_data if (v := cpu[d]) is not None), default=0.0)
        peak_net = max((v for d in with_data if (v := net[d]) is not None), default=0.0)
        reason = (
            f"{what} averaged at most {fmt_number(peak_cpu)}% CPU and moved at most {fmt_bytes(peak_net)} "
            f"a day on each of the {len(with_data)} days with data in the last {p.lookback_days} days."
        )
        return Evaluation(Verdict.FLAGGED, reason, facts, cost.monthly_usd)


__all__ = ["Ec2InstanceIdle", "Ec2InstanceIdleParams"]
