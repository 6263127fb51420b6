"""eni-unattached: a network interface in state `available` (attached to nothing).

An ENI has no charge of its own; a public IPv4 address associated with it does, and it
holds a private IP and its security groups in place. EC2 keeps no creation time for ENIs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from orgsweep.checks import pricing
from orgsweep.checks.base import Check
from orgsweep.checks.registry import register
from orgsweep.checks.support import ec2_arn, evidence, paginate, tag_dict
from orgsweep.checks.types import CheckContext, Evaluation, Resource
from orgsweep.metrics.types import MetricQuery, MetricSeries
from orgsweep.types import Verdict


@register
class EniUnattached(Check):
    id = "eni-unattached"
    resource_type = "AWS::EC2::NetworkInterface"
    description = "Network interface that is not attached to anything (status available)."
    permissions = ("ec2:DescribeNetworkInterfaces",)

    def discover(self, ctx: CheckContext) -> Iterable[Resource]:
        for eni in paginate(
            ctx.client("ec2"),
            "describe_network_interfaces",
            "NetworkInterfaces",
            page_size=1000,
            Filters=[{"Name": "status", "Values": ["available"]}],
        ):
            eni_id = eni["NetworkInterfaceId"]
            yield Resource(
                resource_type=self.resource_type,
                resource_id=eni_id,
                resource_arn=ec2_arn(ctx, "network-interface", eni_id),
                state=eni.get("Status", ""),
                tags=tag_dict(eni.get("TagSet")),
                attributes={
                    "interface_type": eni.get("InterfaceType"),
                    "description": eni.get("Description"),
                    "vpc_id": eni.get("VpcId"),
                    "subnet_id": eni.get("SubnetId"),
                    "availability_zone": eni.get("AvailabilityZone"),
                    "private_ip": eni.get("PrivateIpAddress"),
                    "public_ip": eni.get("Association", {}).get("PublicIp"),
                    "requester_managed": bool(eni.get("RequesterManaged", False)),
                    "security_groups": [g["GroupId"] for g in eni.get("Groups", [])],
                },
            )

    def evaluate(
        self, resource: Resource, metrics: Mapping[MetricQuery, MetricSeries], ctx: CheckContext
    ) -> Evaluation:
        attrs = resource.attributes
        public_ip = attrs["public_ip"]
        cost = pricing.hourly(pricing.EIP_HOURLY, "public IPv4 address") if public_ip else pricing.NO_COST
        facts = evidence(self.params, cost=cost, state=resource.state, public_ip=public_ip)
        if resource.state != "available":
            return Evaluation(Verdict.OK, f"Network interface {resource.resource_id} is {resource.state}.", facts)
        where = f" in {attrs['subnet_id']}" if attrs["subnet_id"] else ""
        ip = f" holding public IP {public_ip}" if public_ip else ""
        reason = f"Network interface {resource.resource_id}{where} is not attached to anything{ip}."
        return Evaluation(Verdict.FLAGGED, reason, facts, cost.monthly_usd)


__all__ = ["EniUnattached"]
