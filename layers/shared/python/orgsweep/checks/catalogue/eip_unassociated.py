"""eip-unassociated: an Elastic IP address associated with nothing.

DescribeAddresses has no pagination (it returns every address of the region at once).
Since 2024 every public IPv4 address is billed hourly, so an idle one costs the full rate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from orgsweep.checks import pricing
from orgsweep.checks.base import Check
from orgsweep.checks.registry import register
from orgsweep.checks.support import ec2_arn, evidence, tag_dict
from orgsweep.checks.types import CheckContext, Evaluation, Resource
from orgsweep.metrics.types import MetricQuery, MetricSeries
from orgsweep.types import Verdict


@register
class EipUnassociated(Check):
    id = "eip-unassociated"
    resource_type = "AWS::EC2::EIP"
    description = "Elastic IP address that is not associated with an instance or network interface."
    permissions = ("ec2:DescribeAddresses",)

    def discover(self, ctx: CheckContext) -> Iterable[Resource]:
        for address in ctx.client("ec2").describe_addresses().get("Addresses", []):
            # EC2-Classic addresses have no allocation id; the public IP is their only id.
            resource_id = address.get("AllocationId") or address["PublicIp"]
            associated = any(address.get(k) for k in ("AssociationId", "InstanceId", "NetworkInterfaceId"))
            yield Resource(
                resource_type=self.resource_type,
                resource_id=resource_id,
                resource_arn=ec2_arn(ctx, "elastic-ip", resource_id),
                state="associated" if associated else "unassociated",
                tags=tag_dict(address.get("Tags")),
                attributes={
                    "public_ip": address.get("PublicIp"),
                    "domain": address.get("Domain"),
                    "association_id": address.get("AssociationId") or None,
                    "instance_id": address.get("InstanceId") or None,
                    "network_interface_id": address.get("NetworkInterfaceId") or None,
                    "network_border_group": address.get("NetworkBorderGroup"),
                },
            )

    def evaluate(
        self, resource: Resource, metrics: Mapping[MetricQuery, MetricSeries], ctx: CheckContext
    ) -> Evaluation:
        cost = pricing.hourly(pricing.EIP_HOURLY, "public IPv4 address")
        ip = resource.attributes["public_ip"]
        facts = evidence(self.params, cost=cost, state=resource.state, public_ip=ip)
        if resource.state == "associated":
            target = resource.attributes["instance_id"] or resource.attributes["network_interface_id"]
            return Evaluation(Verdict.OK, f"Elastic IP {ip} is associated with {target}.", facts, cost.monthly_usd)
        reason = f"Elastic IP {ip} ({resource.resource_id}) is not associated with any instance or network interface."
        return Evaluation(Verdict.FLAGGED, reason, facts, cost.monthly_usd)


__all__ = ["EipUnassociated"]
