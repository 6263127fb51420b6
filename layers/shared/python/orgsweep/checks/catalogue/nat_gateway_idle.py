"""nat-gateway-idle: an available NAT gateway that sent (almost) nothing to destinations.

Sum of BytesOutToDestination over `lookback_days` (daily sums added up) ≤ `max_bytes`.
CloudWatch publishes nothing for a NAT gateway without traffic, so a missing day is zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from orgsweep.checks import daily, pricing
from orgsweep.checks.base import Check
from orgsweep.checks.registry import register
from orgsweep.checks.rules import total_over_window
from orgsweep.checks.support import BYTES_PER_MIB, as_utc, ec2_arn, fmt_bytes, paginate, tag_dict
from orgsweep.checks.types import CheckContext, Evaluation, Resource
from orgsweep.metrics.types import MetricQuery, MetricSeries


@dataclass(frozen=True)
class NatGatewayIdleParams:
    lookback_days: int = daily.lookback_param(14)
    max_bytes: int = BYTES_PER_MIB


@register
class NatGatewayIdle(Check):
    id = "nat-gateway-idle"
    resource_type = "AWS::EC2::NatGateway"
    description = "Available NAT gateway that sent at most max_bytes to destinations over the lookback."
    permissions = ("ec2:DescribeNatGateways",)
    Params = NatGatewayIdleParams

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

    def _query(self, resource: Resource) -> MetricQuery:
        p: NatGatewayIdleParams = self.params
        dims = {"NatGatewayId": resource.resource_id}
        return daily.daily_query("AWS/NATGateway", "BytesOutToDestination", dims, "Sum", p.lookback_days)

    def metric_queries(self, resource: Resource) -> Sequence[MetricQuery]:
        return (self._query(resource),)

    def evaluate(
        self, resource: Resource, metrics: Mapping[MetricQuery, MetricSeries], ctx: CheckContext
    ) -> Evaluation:
        p: NatGatewayIdleParams = self.params
        return total_over_window(
            p,
            self._query(resource),
            metrics,
            ctx.now,
            limit=p.max_bytes,
            what=f"NAT gateway {resource.resource_id}",
            verb="sent {} to destinations",
            fmt=fmt_bytes,
            cost=pricing.hourly(pricing.NAT_GATEWAY_HOURLY, "NAT gateway"),
        )
