"""Load balancer discovery shared by elb-idle and elb-no-targets.

ALB/NLB come from elbv2 and CLB from elb; neither listing returns tags, so tags are read
with DescribeTags, 20 load balancers a call (the API's limit). Gateway load balancers are
out of scope of both checks.
"""

from __future__ import annotations

from collections.abc import Iterator

from orgsweep.checks import pricing
from orgsweep.checks.support import arn, as_utc, chunks, paginate, tag_dict
from orgsweep.checks.types import CheckContext, Resource

ELBV2_TYPE = "AWS::ElasticLoadBalancingV2::LoadBalancer"
CLB_TYPE = "AWS::ElasticLoadBalancing::LoadBalancer"
_TAGS_PER_CALL = 20
_KINDS = {"application": "ALB", "network": "NLB"}


def dimension_value(load_balancer_arn: str) -> str:
    """CloudWatch's LoadBalancer dimension: the ARN part after "loadbalancer/" ("app/name/id")."""
    return load_balancer_arn.split(":loadbalancer/", 1)[-1]


def elbv2_load_balancers(ctx: CheckContext) -> Iterator[Resource]:
    """Every ALB and NLB of the region, with tags."""
    client = ctx.client("elbv2")
    found = [
        lb
        for lb in paginate(client, "describe_load_balancers", "LoadBalancers", page_size=400)
        if lb.get("Type") in _KINDS
    ]
    tags: dict[str, dict[str, str]] = {}
    for batch in chunks([lb["LoadBalancerArn"] for lb in found], _TAGS_PER_CALL):
        for description in client.describe_tags(ResourceArns=batch).get("TagDescriptions", []):
            tags[description["ResourceArn"]] = tag_dict(description.get("Tags"))
    for lb in found:
        lb_arn = lb["LoadBalancerArn"]
        yield Resource(
            resource_type=ELBV2_TYPE,
            resource_id=lb.get("LoadBalancerName", lb_arn),
            resource_arn=lb_arn,
            state=lb.get("State", {}).get("Code", ""),
            created_at=as_utc(lb.get("CreatedTime")),
            tags=tags.get(lb_arn, {}),
            attributes={
                "kind": _KINDS[lb["Type"]],
                "type": lb["Type"],
                "scheme": lb.get("Scheme"),
                "vpc_id": lb.get("VpcId"),
                "dns_name": lb.get("DNSName"),
                "availability_zones": [z.get("ZoneName") for z in lb.get("AvailabilityZones", [])],
                "dimension": dimension_value(lb_arn),
            },
        )


def classic_load_balancers(ctx: CheckContext) -> Iterator[Resource]:
    """Every Classic Load Balancer of the region, with tags."""
    client = ctx.client("elb")
    found = list(paginate(client, "describe_load_balancers", "LoadBalancerDescriptions", page_size=400))
    tags: dict[str, dict[str, str]] = {}
    for batch in chunks([lb["LoadBalancerName"] for lb in found], _TAGS_PER_CALL):
        for description in client.describe_tags(LoadBalancerNames=batch).get("TagDescriptions", []):
            tags[description["LoadBalancerName"]] = tag_dict(description.get("Tags"))
    for lb in found:
        name = lb["LoadBalancerName"]
        yield Resource(
            resource_type=CLB_TYPE,
            resource_id=name,
            resource_arn=arn(ctx, "elasticloadbalancing", f"loadbalancer/{name}"),
            state="active",  # a CLB has no state: it exists or it does not
            created_at=as_utc(lb.get("CreatedTime")),
            tags=tags.get(name, {}),
            attributes={
                "kind": "CLB",
                "type": "classic",
                "scheme": lb.get("Scheme"),
                "vpc_id": lb.get("VPCId"),
                "dns_name": lb.get("DNSName"),
                "availability_zones": list(lb.get("AvailabilityZones", [])),
                "instances": [i["InstanceId"] for i in lb.get("Instances", [])],
            },
        )


def hourly_cost(resource: Resource) -> pricing.CostEstimate:
    kind: str = resource.attributes["kind"]
    rate = {"ALB": pricing.ALB_HOURLY, "NLB": pricing.NLB_HOURLY, "CLB": pricing.CLB_HOURLY}[kind]
    return pricing.hourly(rate, f"{kind} (LCU charges not included)")


def describe(resource: Resource) -> str:
    return f"{resource.attributes['kind']} {resource.resource_id}"


__all__ = [
    "CLB_TYPE",
    "ELBV2_TYPE",
    "classic_load_balancers",
    "describe",
    "dimension_value",
    "elbv2_load_balancers",
    "hourly_cost",
]
