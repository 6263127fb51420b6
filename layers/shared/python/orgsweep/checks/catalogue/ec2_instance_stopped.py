"""ec2-instance-stopped: an instance stopped for at least `min_days`.

The stop time is parsed from StateTransitionReason, e.g. "User initiated (2024-01-01
12:00:00 GMT)". When the reason carries no time (e.g. "Server.SpotInstanceShutdown") the
instance is not flagged and the reason says the stop time is unknown: flagging on a guess
would be wrong, and an unknown time is not missing metric data.
A stopped instance bills no compute, so its cost is the EBS volumes still attached to it
(one DescribeVolumes per 200 instances, filtered by attachment.instance-id).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from orgsweep.checks import pricing
from orgsweep.checks.base import Check
from orgsweep.checks.catalogue._ec2 import INSTANCE_TYPE, instance_resource, instances, volumes_matching
from orgsweep.checks.registry import register
from orgsweep.checks.support import age_days, evidence, fmt_days
from orgsweep.checks.types import CheckContext, Evaluation, Resource
from orgsweep.clock import iso_utc
from orgsweep.metrics.types import MetricQuery, MetricSeries
from orgsweep.types import Verdict

_STOP_TIME = re.compile(r"\((\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) (?:GMT|UTC)\)")


def parse_stop_time(reason: str | None) -> datetime | None:
    """The UTC time in a StateTransitionReason like "User initiated (2024-01-01 12:00:00 GMT)"."""
    match = _STOP_TIME.search(reason or "")
    if match is None:
        return None
    try:
        return datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


@dataclass(frozen=True)
class Ec2InstanceStoppedParams:
    min_days: int = 30


@register
class Ec2InstanceStopped(Check):
    id = "ec2-instance-stopped"
    resource_type = INSTANCE_TYPE
    description = "EC2 instance stopped for at least min_days (its EBS volumes still cost money)."
    permissions = ("ec2:DescribeInstances", "ec2:DescribeVolumes")
    Params = Ec2InstanceStoppedParams

    def discover(self, ctx: CheckContext) -> Iterable[Resource]:
        stopped = list(instances(ctx, "stopped"))
        attached: dict[str, list[dict[str, object]]] = {}
        ids = [i["InstanceId"] for i in stopped]
        for volume in volumes_matching(ctx, "attachment.instance-id", ids):
            for attachment in volume.get("Attachments", []):
                attached.setdefault(attachment.get("InstanceId", ""), []).append(
                    {
                        "volume_id": volume["VolumeId"],
                        "size_gib": int(volume.get("Size", 0)),
                        "volume_type": volume.get("VolumeType", ""),
                    }
                )
        for instance in stopped:
            reason = instance.get("StateTransitionReason", "")
            yield instance_resource(
                ctx,
                instance,
                state_transition_reason=reason,
                stopped_at=iso_utc(parse_stop_time(reason)),
                ebs_volumes=attached.get(instance["InstanceId"], []),
            )

    def evaluate(
        self, resource: Resource, metrics: Mapping[MetricQuery, MetricSeries], ctx: CheckContext
    ) -> Evaluation:
        p: Ec2InstanceStoppedParams = self.params
        attrs = resource.attributes
        cost = pricing.ebs_volumes([(v["volume_type"], v["size_gib"]) for v in attrs["ebs_volumes"]])
        stopped_at = parse_stop_time(attrs["state_transition_reason"])
        days = age_days(stopped_at, ctx.now)
        facts = evidence(
            p,
            cost=cost,
            state_transition_reason=attrs["state_transition_reason"],
            stopped_at=iso_utc(stopped_at),
            stopped_days=days,
        )
        what = f"EC2 instance {resource.resource_id} ({attrs['instance_type']})"
        if days is None:
            reason = (
                f"{what} is stopped but its stop time is unknown "
                f"(state transition reason: {attrs['state_transition_reason'] or 'empty'!r}); not flagged."
            )
            return Evaluation(Verdict.OK, reason, facts, cost.monthly_usd)
        if days < p.min_days:
            reason = f"{what} has been stopped for {fmt_days(days)} (minimum {p.min_days})."
            return Evaluation(Verdict.OK, reason, facts, cost.monthly_usd)
        volumes_text = f"{len(attrs['ebs_volumes'])} EBS volume(s) still attached"
        reason = f"{what} has been stopped for {fmt_days(days)} since {iso_utc(stopped_at)} with {volumes_text}."
        return Evaluation(Verdict.FLAGGED, reason, facts, cost.monthly_usd)


__all__ = ["Ec2InstanceStopped", "Ec2InstanceStoppedParams", "parse_stop_time"]
