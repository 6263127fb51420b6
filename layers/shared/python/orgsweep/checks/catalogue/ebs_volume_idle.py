"""ebs-volume-idle: an attached (in-use) EBS volume doing almost no I/O.

Flagged when every day of the window has VolumeReadOps + VolumeWriteOps (daily Sum) below
`max_daily_ops`. A day counts as known only when both metrics have a datapoint for it;
any day that is not known, while no known day already shows activity, makes the verdict
insufficient_data (EBS publishes both metrics every minute for an attached volume, so a
gap means the data cannot be trusted, not that the volume was idle).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from orgsweep.checks import daily, pricing
from orgsweep.checks.base import Check
from orgsweep.checks.catalogue._ec2 import VOLUME_TYPE, volume_resource, volumes
from orgsweep.checks.registry import register
from orgsweep.checks.support import evidence, fmt_number
from orgsweep.checks.types import CheckContext, Evaluation, Resource
from orgsweep.metrics.types import MetricQuery, MetricSeries
from orgsweep.types import Verdict


@dataclass(frozen=True)
class EbsVolumeIdleParams:
    lookback_days: int = daily.lookback_param(7)
    max_daily_ops: int = 86_400


@register
class EbsVolumeIdle(Check):
    id = "ebs-volume-idle"
    resource_type = VOLUME_TYPE
    description = "Attached EBS volume with fewer than max_daily_ops read+write operations on every day."
    permissions = ("ec2:DescribeVolumes",)
    Params = EbsVolumeIdleParams

    def discover(self, ctx: CheckContext) -> Iterable[Resource]:
        for volume in volumes(ctx, ("status", ["in-use"])):
            yield volume_resource(ctx, volume)

    def _queries(self, resource: Resource) -> tuple[MetricQuery, MetricQuery]:
        p: EbsVolumeIdleParams = self.params
        dims = {"VolumeId": resource.resource_id}
        return (
            daily.daily_query("AWS/EBS", "VolumeReadOps", dims, "Sum", p.lookback_days),
            daily.daily_query("AWS/EBS", "VolumeWriteOps", dims, "Sum", p.lookback_days),
        )

    def metric_queries(self, resource: Resource) -> Sequence[MetricQuery]:
        return self._queries(resource)

    def evaluate(
        self, resource: Resource, metrics: Mapping[MetricQuery, MetricSeries], ctx: CheckContext
    ) -> Evaluation:
        p: EbsVolumeIdleParams = self.params
        read_q, write_q = self._queries(resource)
        reads, writes = daily.day_values(metrics, read_q, ctx.now), daily.day_values(metrics, write_q, ctx.now)
        problems = daily.data_problems(metrics, read_q, write_q)
        totals = daily.add_days(reads, writes)
        complete = set(daily.complete_days(reads, writes))
        busy = [day for day, ops in totals.items() if ops is not None and ops >= p.max_daily_ops]
        missing = [day for day in totals if day not in complete]
        size, vtype = resource.attributes["size_gib"], resource.attributes["volume_type"]
        cost = pricing.ebs_volume(vtype, size)
        facts: dict[str, Any] = evidence(
            p,
            metric="AWS/EBS VolumeReadOps+VolumeWriteOps",
            statistic="Sum",
            period=read_q.period,
            lookback_days=p.lookback_days,
            values=daily.iso_values(totals),
            cost=cost,
            busy_days=len(busy),
            days_without_data=len(missing),
            metric_problems=problems,
        )
        what = f"EBS volume {resource.resource_id} ({size} GiB {vtype})"
        if busy:
            peak = max(v for v in totals.values() if v is not None)
            reason = f"{what} did up to {fmt_number(peak)} operations a day (limit {fmt_number(p.max_daily_ops)})."
            return Evaluation(Verdict.OK, reason, facts, cost.monthly_usd)
        if missing or problems:
            reason = daily.insufficient_reason(
                what,
                missing=len(missing),
                lookback_days=p.lookback_days,
                metric="VolumeReadOps+VolumeWriteOps",
                problems=problems,
            )
            return Evaluation(Verdict.INSUFFICIENT_DATA, reason, facts, cost.monthly_usd)
        peak = max(v for v in totals.values() if v is not None)
        reason = (
            f"{what} is attached but did at most {fmt_number(peak)} read+write operations a day "
            f"over the last {p.lookback_days} days (below {fmt_number(p.max_daily_ops)})."
        )
        return Evaluation(Verdict.FLAGGED, reason, facts, cost.monthly_usd)


__all__ = ["EbsVolumeIdle", "EbsVolumeIdleParams"]
