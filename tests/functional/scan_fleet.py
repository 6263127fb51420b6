"""A small member-account fleet in moto and small checks over it, for the cell-scanner tests.

The checks here are test doubles with the real Check interface (discover → metric queries
→ evaluate), each using one service, so a fault injected into one service has a known
blast radius. The real catalogue is exercised separately.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import boto3

from orgsweep.checks import Check, CheckContext, Evaluation, Resource
from orgsweep.metrics import MetricQuery, MetricSeries
from orgsweep.types import Verdict

ACCOUNT_ID = "111111111111"
REGION = "eu-west-1"
DAY = 86_400
AMI_ID = "ami-12c6146b"  # one of moto's built-in AMIs (describe_images costs a second)


def member_session(account_id: str = ACCOUNT_ID, region: str = REGION) -> boto3.Session:
    """Credentials acting in `account_id` (moto keeps each account's resources apart)."""
    creds = boto3.client("sts", region_name=region).assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/setup", RoleSessionName="setup"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=region,
    )


@dataclass
class Fleet:
    unattached_volumes: list[str]
    busy_instance: str
    idle_instance: str
    silent_instance: str  # no metric data at all
    load_balancer_arn: str


def build_fleet(session: boto3.Session, today: datetime) -> Fleet:
    """2 unattached volumes, 3 running instances (busy / idle / no data), 1 ALB."""
    ec2 = session.client("ec2")
    volumes = [ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=8)["VolumeId"] for _ in range(2)]
    reservation = ec2.run_instances(ImageId=AMI_ID, MinCount=3, MaxCount=3, InstanceType="t3.micro")
    busy, idle, silent = sorted(i["InstanceId"] for i in reservation["Instances"])
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{n}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"]["SubnetId"]
        for n, az in ((1, "a"), (2, "b"))
    ]
    lb = session.client("elbv2").create_load_balancer(Name="web", Subnets=subnets)["LoadBalancers"][0]
    cloudwatch = session.client("cloudwatch")
    for instance, cpu in ((busy, 80.0), (idle, 1.0)):
        cloudwatch.put_metric_data(
            Namespace="AWS/EC2",
            MetricData=[
                {
                    "MetricName": "CPUUtilization",
                    "Dimensions": [{"Name": "InstanceId", "Value": instance}],
                    "Timestamp": today - timedelta(days=day, hours=-1),
                    "Value": cpu,
                }
                for day in (1, 2, 3)
            ],
        )
    return Fleet(volumes, busy, idle, silent, lb["LoadBalancerArn"])


def _tags(items: Iterable[Mapping[str, str]] | None) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in items or ()}


class UnattachedVolumes(Check):
    """ec2 only, no metrics: every available volume is flagged."""

    id = "t-volume-unattached"
    resource_type = "AWS::EC2::Volume"
    description = "test"
    permissions = ("ec2:DescribeVolumes",)

    def discover(self, ctx: CheckContext) -> Iterable[Resource]:
        pages = ctx.client("ec2").get_paginator("describe_volumes").paginate(
            Filters=[{"Name": "status", "Values": ["available"]}]
        )
        for page in pages:
            for v in page["Volumes"]:
                arn = f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account_id}:volume/{v['VolumeId']}"
                yield Resource(self.resource_type, v["VolumeId"], arn, v["State"], v["CreateTime"],
                               _tags(v.get("Tags")), {"size_gib": v["Size"]})

    def evaluate(
        self, resource: Resource, metrics: Mapping[MetricQuery, MetricSeries], ctx: CheckContext
    ) -> Evaluation:
        return Evaluation(Verdict.FLAGGED, "unattached", {"size_gib": resource.attributes["size_gib"]}, 0.64)


class IdleInstances(Check):
    """ec2 + one daily CPU query per instance: idle → flagged, no data → insufficient_data."""

    id = "t-instance-idle"
    resource_type = "AWS::EC2::Instance"
    description = "test"
    permissions = ("ec2:DescribeInstances",)

    def discover(self, ctx: CheckContext) -> Iterable[Resource]:
        pages = ctx.client("ec2").get_paginator("describe_instances").paginate(
            Filters=[{"Name": "instance-state-name", "Values": ["running"]}]
        )
        for page in pages:
            for reservation in page["Reservations"]:
                for i in reservation["Instances"]:
                    arn = f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account_id}:instance/{i['InstanceId']}"
                    yield Resource(self.resource_type, i["InstanceId"], arn, i["State"]["Name"], i["LaunchTime"],
                                   _tags(i.get("Tags")), {"instance_type": i["InstanceType"]})

    def metric_queries(self, resource: Resource) -> Sequence[MetricQuery]:
        return (MetricQuery("AWS/EC2", "CPUUtilization", (("InstanceId", resource.resource_id),), "Average", DAY, 7),)

    def evaluate(
        self, resource: Resource, metrics: Mapping[MetricQuery, MetricSeries], ctx: CheckContext
    ) -> Evaluation:
        (series,) = metrics.values()
        values = list(series.values)
        if not values:
            return Evaluation(Verdict.INSUFFICIENT_DATA, "no CPU data", {"values": values})
        if max(values) <= 10:
            return Evaluation(Verdict.FLAGGED, "idle", {"values": values, "cpu_pct": 10}, 7.5)
        return Evaluation(Verdict.OK, "busy", {"values": values})


class LoadBalancers(Check):
    """elbv2 only, no metrics: every load balancer is flagged."""

    id = "t-lb-empty"
    resource_type = "AWS::ElasticLoadBalancingV2::LoadBalancer"
    description = "test"
    permissions = ("elasticloadbalancing:DescribeLoadBalancers",)

    def discover(self, ctx: CheckContext) -> Iterable[Resource]:
        for page in ctx.client("elbv2").get_paginator("describe_load_balancers").paginate():
            for lb in page["LoadBalancers"]:
                attributes = {"scheme": lb.get("Scheme", "internet-facing")}
                yield Resource(self.resource_type, lb["LoadBalancerName"], lb["LoadBalancerArn"],
                               lb["State"]["Code"], lb["CreatedTime"], {}, attributes)

    def evaluate(
        self, resource: Resource, metrics: Mapping[MetricQuery, MetricSeries], ctx: CheckContext
    ) -> Evaluation:
        return Evaluation(Verdict.FLAGGED, "no targets", {}, 16.43)


class LoadBalancerRequests(LoadBalancers):
    """elbv2 + one RequestCount query per load balancer (none in moto: flagged)."""

    id = "t-lb-requests"

    def metric_queries(self, resource: Resource) -> Sequence[MetricQuery]:
        dims = (("LoadBalancer", resource.resource_arn.split("loadbalancer/", 1)[-1]),)
        return (MetricQuery("AWS/ApplicationELB", "RequestCount", dims, "Sum", DAY, 7),)

    def evaluate(
        self, resource: Resource, metrics: Mapping[MetricQuery, MetricSeries], ctx: CheckContext
    ) -> Evaluation:
        (series,) = metrics.values()
        if sum(series.values) < 100:
            return Evaluation(Verdict.FLAGGED, "few requests", {"total": sum(series.values)})
        return Evaluation(Verdict.OK, "used")


class Scripted(Check):
    """A check whose discover runs `script(ctx)` — to block, fail or move the clock."""

    resource_type = "AWS::Test::Thing"
    description = "test"
    permissions = ("test:Nothing",)

    def __init__(self, check_id: str, script: Callable[[CheckContext], list[Resource]]) -> None:
        super().__init__()
        self.id = check_id  # type: ignore[misc]
        self._script = script

    def discover(self, ctx: CheckContext) -> Iterable[Resource]:
        return self._script(ctx)

    def evaluate(
        self, resource: Resource, metrics: Mapping[MetricQuery, MetricSeries], ctx: CheckContext
    ) -> Evaluation:
        raise RuntimeError(f"cannot evaluate {resource.resource_id}")


def fake_checks() -> list[Check]:
    return [UnattachedVolumes(), IdleInstances(), LoadBalancers(), LoadBalancerRequests()]


def blocking_check(check_id: str, on_start: Callable[[], None], release: threading.Event) -> Check:
    def script(_ctx: CheckContext) -> list[Resource]:
        on_start()
        release.wait(30)
        return [Resource("AWS::Test::Thing", "late", "arn:late", "x")]

    return Scripted(check_id, script)


def start_of_day(now: datetime) -> datetime:
    return datetime(now.year, now.month, now.day, tzinfo=UTC)


__all__ = ["ACCOUNT_ID", "REGION", "Fleet", "Scripted", "blocking_check", "build_fleet", "fake_checks",
           "member_session", "start_of_day"]
