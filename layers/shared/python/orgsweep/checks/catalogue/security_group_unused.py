"""security-group-unused: a non-default security group that nothing uses.

Unused = attached to no network interface (every resource that uses a group in a VPC —
instances, load balancers, RDS, Lambda in a VPC, endpoints — does so through an ENI) and
referenced by no other group's ingress or egress rule. A group referencing itself does
not count. Not covered: references from launch templates/configurations, or from other
accounts' groups over VPC peering; those groups are still flagged (see the reason).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from orgsweep.checks.base import Check
from orgsweep.checks.pricing import NO_COST
from orgsweep.checks.registry import register
from orgsweep.checks.support import ec2_arn, evidence, paginate, tag_dict
from orgsweep.checks.types import CheckContext, Evaluation, Resource
from orgsweep.metrics.types import MetricQuery, MetricSeries
from orgsweep.types import Verdict


def _referenced_groups(group: dict[str, Any]) -> set[str]:
    """Group ids that `group`'s ingress and egress rules reference (other than itself)."""
    rules = [*group.get("IpPermissions", []), *group.get("IpPermissionsEgress", [])]
    ids = {pair["GroupId"] for rule in rules for pair in rule.get("UserIdGroupPairs", []) if pair.get("GroupId")}
    ids.discard(group["GroupId"])
    return ids


@register
class SecurityGroupUnused(Check):
    id = "security-group-unused"
    resource_type = "AWS::EC2::SecurityGroup"
    description = "Non-default security group attached to no network interface and referenced by no other group."
    permissions = ("ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups")

    def discover(self, ctx: CheckContext) -> Iterable[Resource]:
        ec2 = ctx.client("ec2")
        groups = list(paginate(ec2, "describe_security_groups", "SecurityGroups", page_size=1000))
        candidates = [g for g in groups if g.get("GroupName") != "default"]
        if not candidates:
            return
        attached: dict[str, int] = {}
        for eni in paginate(ec2, "describe_network_interfaces", "NetworkInterfaces", page_size=1000):
            for group in eni.get("Groups", []):
                attached[group["GroupId"]] = attached.get(group["GroupId"], 0) + 1
        referenced_by: dict[str, list[str]] = {}
        for group in groups:
            for target in _referenced_groups(group):
                referenced_by.setdefault(target, []).append(group["GroupId"])
        for group in candidates:
            group_id = group["GroupId"]
            enis = attached.get(group_id, 0)
            yield Resource(
                resource_type=self.resource_type,
                resource_id=group_id,
                resource_arn=group.get("SecurityGroupArn") or ec2_arn(ctx, "security-group", group_id),
                state="in-use" if enis or group_id in referenced_by else "unused",
                tags=tag_dict(group.get("Tags")),
                attributes={
                    "group_name": group.get("GroupName"),
                    "vpc_id": group.get("VpcId"),
                    "description": group.get("Description"),
                    "attached_enis": enis,
                    "referenced_by": sorted(referenced_by.get(group_id, [])),
                },
            )

    def evaluate(
        self, resource: Resource, metrics: Mapping[MetricQuery, MetricSeries], ctx: CheckContext
    ) -> Evaluation:
        attrs = resource.attributes
        facts = evidence(self.params, attached_enis=attrs["attached_enis"], referenced_by=attrs["referenced_by"])
        what = f'Security group {resource.resource_id} ("{attrs["group_name"]}")'
        if attrs["attached_enis"]:
            reason = f"{what} is attached to {attrs['attached_enis']} network interface(s)."
            return Evaluation(Verdict.OK, reason, facts, NO_COST.monthly_usd)
        if attrs["referenced_by"]:
            reason = f"{what} is referenced by the rules of {', '.join(attrs['referenced_by'])}."
            return Evaluation(Verdict.OK, reason, facts, NO_COST.monthly_usd)
        reason = (
            f"{what} is attached to no network interface and referenced by no other security group "
            "(launch templates are not checked)."
        )
        return Evaluation(Verdict.FLAGGED, reason, facts, NO_COST.monthly_usd)


__all__ = ["SecurityGroupUnused"]
