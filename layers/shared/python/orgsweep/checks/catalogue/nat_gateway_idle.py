"""nat-gateway-idle: an available NAT gateway that sent (almost) nothing to destinations.

Sum of BytesOutToDestination over `lookback_days` (daily sums added up) ≤ `max_bytes`.
CloudWatch publishes nothing for a NAT gateway without traffic, so a missing day is zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from orgsweep.checks import daily, pricing
from orgsweep.checks.registry import register
from orgsweep.checks.rules import TotalOverWindowCheck
from orgsweep.checks.support import BYTES_PER_MIB, as_utc, ec2_arn, fmt_bytes, paginate, tag_dict
from orgsweep.checks.types import CheckContext, Resource


@dataclass(frozen=True)
class NatGatewayIdleParams:
    lookback_days: int = daily.lookback_param(14)
    max_bytes: int = BYTES_PER_MIB


@register
class NatGatewayIdle(TotalOverWindowCheck):
    id = "nat-gateway-idle"
    resource_type = "AWS::EC2::NatGateway"
    description = "Available NAT gateway that sent at most max_bytes to destinations over the lookback."
    permissions = ("ec2:DescribeNatGateways",)
    Params = NatGatewayIdleParams
    namespace = "AWS/NATGateway"
    metric_name = "BytesOutToDestination"
    statistic = "Sum"
    limit_param = "max_bytes"
    verb = "sent {} to destinations"

    def discover(self, ctx: CheckContext) -> Iterable[Resource]:
        # DescribeNatGateways names its filter parameter "Filter" (singular).
        for nat in paginate(
            ctx.client("ec2"),
            "describe_nat_gateways",
            "NatGateways",
            page_size=1000,
            Filter=[{"Name": "state", "Values": ["available"]}],
        ):
            yield Resource(
                resource_type=self.resource_type,
                resource_id=nat["NatGatewayId"],
                resource_arn=ec2_arn(ctx, "natgateway", nat["NatGatewayId"]),
                state=nat.get("State", ""),
                created_at=as_utc(nat.get("CreateTime")),
                tags=tag_dict(nat.get("Tags")),
                attributes={
                    "vpc_id": nat.get("VpcId"),
                    "subnet_id": nat.get("SubnetId"),
                    "connectivity_type": nat.get("ConnectivityType", "public"),
                    "public_ips": [a["PublicIp"] for a in nat.get("NatGatewayAddresses", []) if a.get("PublicIp")],
                },
            )

    def metric_dimensions(self, resource: Resource) -> Mapping[str, str]:
        return {"NatGatewayId": resource.resource_id}

    def subject(self, resource: Resource) -> str:
        return f"NAT gateway {resource.resource_id}"

    def cost(self, resource: Resource) -> pricing.CostEstimate:
        return pricing.hourly(pricing.NAT_GATEWAY_HOURLY, "NAT gateway")

    def format_amount(self, value: float) -> str:
        return fmt_bytes(value)


__all__ = ["NatGatewayIdle", "NatGatewayIdleParams"]
