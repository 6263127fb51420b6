"""vpc-endpoint-idle: an Interface VPC endpoint that processed (almost) no bytes.

Sum of BytesProcessed over `lookback_days` ≤ `max_bytes`, from AWS/PrivateLinkEndpoints
with the endpoint's full dimension set ("Endpoint Type", "Service Name",
"VPC Endpoint Id", "VPC Id" — names with spaces, as CloudWatch publishes them). A day
without a datapoint is zero (the metric is only reported for minutes with traffic).
Gateway endpoints are free and publish no metrics, so only Interface endpoints are looked at.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from orgsweep.checks import daily, pricing
from orgsweep.checks.registry import register
from orgsweep.checks.rules import TotalOverWindowCheck
from orgsweep.checks.support import as_utc, ec2_arn, fmt_bytes, paginate, tag_dict
from orgsweep.checks.types import CheckContext, Resource


@dataclass(frozen=True)
class VpcEndpointIdleParams:
    lookback_days: int = daily.lookback_param(14)
    max_bytes: int = 0


@register
class VpcEndpointIdle(TotalOverWindowCheck):
    id = "vpc-endpoint-idle"
    resource_type = "AWS::EC2::VPCEndpoint"
    description = "Interface VPC endpoint that processed at most max_bytes over the lookback."
    permissions = ("ec2:DescribeVpcEndpoints",)
    Params = VpcEndpointIdleParams
    namespace = "AWS/PrivateLinkEndpoints"
    metric_name = "BytesProcessed"
    statistic = "Sum"
    limit_param = "max_bytes"
    verb = "processed {}"

    def discover(self, ctx: CheckContext) -> Iterable[Resource]:
        for endpoint in paginate(
            ctx.client("ec2"),
            "describe_vpc_endpoints",
            "VpcEndpoints",
            page_size=1000,
            Filters=[{"Name": "vpc-endpoint-type", "Values": ["Interface"]}],
        ):
            endpoint_id = endpoint["VpcEndpointId"]
            yield Resource(
                resource_type=self.resource_type,
                resource_id=endpoint_id,
                resource_arn=ec2_arn(ctx, "vpc-endpoint", endpoint_id),
                state=endpoint.get("State", ""),
                created_at=as_utc(endpoint.get("CreationTimestamp")),
                tags=tag_dict(endpoint.get("Tags")),
                attributes={
                    "service_name": endpoint.get("ServiceName", ""),
                    "vpc_id": endpoint.get("VpcId", ""),
                    "endpoint_type": endpoint.get("VpcEndpointType", "Interface"),
                    "subnet_ids": list(endpoint.get("SubnetIds", [])),
                    "private_dns_enabled": endpoint.get("PrivateDnsEnabled"),
                },
            )

    def metric_dimensions(self, resource: Resource) -> Mapping[str, str]:
        attrs = resource.attributes
        return {
            "Endpoint Type": attrs["endpoint_type"],
            "Service Name": attrs["service_name"],
            "VPC Endpoint Id": resource.resource_id,
            "VPC Id": attrs["vpc_id"],
        }

    def subject(self, resource: Resource) -> str:
        return f"Interface endpoint {resource.resource_id} ({resource.attributes['service_name']})"

    def cost(self, resource: Resource) -> pricing.CostEstimate:
        zones = max(1, len(resource.attributes["subnet_ids"]))  # one ENI, and one hourly charge, per AZ subnet
        return pricing.hourly(pricing.INTERFACE_ENDPOINT_AZ_HOURLY, "Interface endpoint AZ-hours", zones)

    def format_amount(self, value: float) -> str:
        return fmt_bytes(value)


__all__ = ["VpcEndpointIdle", "VpcEndpointIdleParams"]
