"""elb-no-targets: an ALB or NLB none of whose target groups has a registered target.

One paginated DescribeTargetGroups lists every target group of the region with the load
balancers it serves (cheaper than one call per load balancer), then DescribeTargetHealth
counts the registered targets of each group that serves an ALB/NLB. A load balancer with
no target group at all also has no target, so it is flagged too (the reason says which).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace

from orgsweep.checks.base import Check
from orgsweep.checks.catalogue._elb import ELBV2_TYPE, describe, elbv2_load_balancers, hourly_cost
from orgsweep.checks.registry import register
from orgsweep.checks.support import evidence, paginate
from orgsweep.checks.types import CheckContext, Evaluation, Resource
from orgsweep.metrics.types import MetricQuery, MetricSeries
from orgsweep.types import Verdict


@register
class ElbNoTargets(Check):
    id = "elb-no-targets"
    resource_type = ELBV2_TYPE
    description = "ALB or NLB whose target groups have no registered targets."
    permissions = (
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeTags",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetHealth",
    )

    def discover(self, ctx: CheckContext) -> Iterator[Resource]:
        load_balancers = list(elbv2_load_balancers(ctx))
        if not load_balancers:
            return
        client = ctx.client("elbv2")
        wanted = {lb.resource_arn for lb in load_balancers}
        groups_of: dict[str, list[str]] = {arn: [] for arn in wanted}
        for group in paginate(client, "describe_target_groups", "TargetGroups", page_size=400):
            for lb_arn in group.get("LoadBalancerArns", []):
                if lb_arn in wanted:
                    groups_of[lb_arn].append(group["TargetGroupArn"])
        targets: dict[str, int] = {}
        for group_arn in sorted({g for groups in groups_of.values() for g in groups}):
            health = client.describe_target_health(TargetGroupArn=group_arn)
            targets[group_arn] = len(health.get("TargetHealthDescriptions", []))
        for lb in load_balancers:
            counts = {g: targets[g] for g in groups_of[lb.resource_arn]}
            yield replace(lb, attributes={**lb.attributes, "target_groups": counts})

    def evaluate(
        self, resource: Resource, metrics: Mapping[MetricQuery, MetricSeries], ctx: CheckContext
    ) -> Evaluation:
        groups: dict[str, int] = resource.attributes["target_groups"]
        registered = sum(groups.values())
        cost = hourly_cost(resource)
        facts = evidence(self.params, cost=cost, target_groups=groups, registered_targets=registered)
        what = describe(resource)
        if registered:
            reason = f"{what} has {registered} registered target(s) in {len(groups)} target group(s)."
            return Evaluation(Verdict.OK, reason, facts, cost.monthly_usd)
        if not groups:
            reason = f"{what} has no target group, so nothing can receive its traffic."
        else:
            reason = f"{what} has {len(groups)} target group(s) and none has a registered target."
        return Evaluation(Verdict.FLAGGED, reason, facts, cost.monthly_usd)


__all__ = ["ElbNoTargets"]
