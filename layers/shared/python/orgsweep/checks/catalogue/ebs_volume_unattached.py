"""ebs-volume-unattached: an EBS volume in state `available` (attached to nothing).

EBS records no detach time, so the age is measured from the volume's creation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from orgsweep.checks import pricing
from orgsweep.checks.base import Check
from orgsweep.checks.catalogue._ec2 import VOLUME_TYPE, volume_resource, volumes
from orgsweep.checks.registry import register
from orgsweep.checks.support import age_days, evidence, fmt_days
from orgsweep.checks.types import CheckContext, Evaluation, Resource
from orgsweep.metrics.types import MetricQuery, MetricSeries
from orgsweep.types import Verdict


@dataclass(frozen=True)
class EbsVolumeUnattachedParams:
    min_age_days: int = 0


@register
class EbsVolumeUnattached(Check):
    id = "ebs-volume-unattached"
    resource_type = VOLUME_TYPE
    description = "EBS volume that is not attached to any instance (state available)."
    permissions = ("ec2:DescribeVolumes",)
    Params = EbsVolumeUnattachedParams

    def discover(self, ctx: CheckContext) -> Iterable[Resource]:
        for volume in volumes(ctx, ("status", ["available"])):
            yield volume_resource(ctx, volume)

    def evaluate(
        self, resource: Resource, metrics: Mapping[MetricQuery, MetricSeries], ctx: CheckContext
    ) -> Evaluation:
        p: EbsVolumeUnattachedParams = self.params
        size, vtype = resource.attributes["size_gib"], resource.attributes["volume_type"]
        cost = pricing.ebs_volume(vtype, size)
        age = age_days(resource.created_at, ctx.now)
        what = f"EBS volume {resource.resource_id} ({size} GiB {vtype})"
        facts = evidence(p, cost=cost, state=resource.state, age_days=age)
        if age is None:
            # No creation time: "unattached" is certain, the age rule holds only when it asks for none.
            if p.min_age_days == 0:
                reason = f"{what} is not attached to any instance."
                return Evaluation(Verdict.FLAGGED, reason, facts, cost.monthly_usd)
            reason = f"{what} is not attached to any instance; its age is unknown."
            return Evaluation(Verdict.INSUFFICIENT_DATA, reason, facts, cost.monthly_usd)
        if age >= p.min_age_days:
            reason = f"{what} is not attached to any instance; it was created {fmt_days(age)} ago."
            return Evaluation(Verdict.FLAGGED, reason, facts, cost.monthly_usd)
        reason = f"{what} is not attached to any instance but is only {fmt_days(age)} old (minimum {p.min_age_days})."
        return Evaluation(Verdict.OK, reason, facts, cost.monthly_usd)


__all__ = ["EbsVolumeUnattached", "EbsVolumeUnattachedParams"]
