"""One (account, region) cell of metric-monitored resources in the demo's moto server, and a
sparse CloudWatch history for a few of them. Used by bench/bench_metric_calls.py.

The resources are the ones the metric-based checks evaluate: running instances (each with its
attached root volume), RDS instances, Lambda functions, NAT gateways, ALBs/NLBs, ElastiCache
clusters and interface VPC endpoints. The history is written for the checks' own metric
queries (so its dimensions are exactly the ones the scan asks for): three samples a day,
20 minutes apart around noon, on most days of each query's window.
"""

from __future__ import annotations

import io
import json
import math
import random
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from orgsweep.metrics import MetricQuery

AMI_ID = "ami-0abcdef1234567890"  # moto does not validate image ids (the demo disables its built-in AMIs)
_RUN_BATCH = 500  # instances per RunInstances call
_DATUMS_PER_PUT = 1000  # PutMetricData limit
_SAMPLE_OFFSETS = (timedelta(hours=12), timedelta(hours=12, minutes=20), timedelta(hours=12, minutes=40))
_ENDPOINT_SERVICES = ("ssm", "ssmmessages", "ec2messages", "logs", "sts", "ecr.api", "ecr.dkr", "kms", "sqs", "sns")
_LAMBDA_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


#: A CloudWatch metric: namespace, name, dimensions (what a sample is written to).
MetricKey = tuple[str, str, tuple[tuple[str, str], ...]]


def metric_key(query: MetricQuery) -> MetricKey:
    return query.namespace, query.metric_name, query.dimensions


@dataclass(frozen=True, slots=True)
class FleetMix:
    """How many resources of each kind the cell holds; each instance brings its root volume."""

    instances: int
    databases: int
    functions: int
    nat_gateways: int
    load_balancers: int
    caches: int
    endpoints: int

    @classmethod
    def for_total(cls, total: int) -> FleetMix:
        """About `total` resources: 35% instances + 35% their root volumes, 10% RDS, 10% Lambda,
        4% NAT gateways, 4% load balancers, 1% caches, 1% endpoints (Lambda takes the rounding)."""
        if total < 10:
            raise ValueError(f"a cell of at least 10 resources is needed, got {total}")
        instances = round(total * 0.35)
        others = [round(total * share) for share in (0.10, 0.04, 0.04, 0.01, 0.01)]
        databases, nat_gateways, load_balancers, caches, endpoints = (max(1, n) for n in others)
        functions = total - 2 * instances - databases - nat_gateways - load_balancers - caches - endpoints
        return cls(instances, databases, max(1, functions), nat_gateways, load_balancers, caches, endpoints)

    @property
    def resources(self) -> int:
        return (
            2 * self.instances
            + self.databases
            + self.functions
            + self.nat_gateways
            + self.load_balancers
            + self.caches
            + self.endpoints
        )

    def describe(self) -> str:
        return (
            f"{self.instances} instances + {self.instances} root volumes, {self.databases} RDS instances, "
            f"{self.functions} Lambda functions, {self.nat_gateways} NAT gateways, {self.load_balancers} ALB/NLB, "
            f"{self.caches} ElastiCache clusters, {self.endpoints} interface endpoints"
        )


class _Builder:
    def __init__(self, session: Any, region: str, mix: FleetMix) -> None:
        self.region, self.mix = region, mix
        self.ec2 = session.client("ec2", region_name=region)
        self.session = session
        self.vpc_id = self.ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
        self.subnets = [
            self.ec2.create_subnet(VpcId=self.vpc_id, CidrBlock=f"10.40.{n}.0/24", AvailabilityZone=f"{region}{az}")[
                "Subnet"
            ]["SubnetId"]
            for n, az in ((0, "a"), (1, "b"))
        ]

    def client(self, service: str) -> Any:
        return self.session.client(service, region_name=self.region)

    def instances(self) -> None:
        for start in range(0, self.mix.instances, _RUN_BATCH):
            count = min(_RUN_BATCH, self.mix.instances - start)
            self.ec2.run_instances(ImageId=AMI_ID, MinCount=count, MaxCount=count, InstanceType="t3.micro")

    def databases(self) -> None:
        rds = self.client("rds")
        for n in range(self.mix.databases):
            rds.create_db_instance(
                DBInstanceIdentifier=f"bench-db-{n}",
                DBInstanceClass="db.t3.medium",
                Engine="postgres",
                MasterUsername="bench",
                MasterUserPassword="not-a-real-password-1",
                AllocatedStorage=20,
            )

    def functions(self) -> None:
        role = self.session.client("iam").create_role(RoleName="bench-fn-role", AssumeRolePolicyDocument=_LAMBDA_TRUST)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("index.py", "def handler(event, context):\n    return None\n")
        lam = self.client("lambda")
        for n in range(self.mix.functions):
            lam.create_function(
                FunctionName=f"bench-fn-{n}",
                Runtime="python3.12",
                Role=role["Role"]["Arn"],
                Handler="index.handler",
                Code={"ZipFile": buffer.getvalue()},
            )

    def nat_gateways(self) -> None:
        for _ in range(self.mix.nat_gateways):
            allocation = self.ec2.allocate_address(Domain="vpc")["AllocationId"]
            self.ec2.create_nat_gateway(SubnetId=self.subnets[0], AllocationId=allocation)

    def load_balancers(self) -> None:
        elbv2 = self.client("elbv2")
        for n in range(self.mix.load_balancers):
            kind = "application" if n % 2 == 0 else "network"
            elbv2.create_load_balancer(Name=f"bench-lb-{n}", Subnets=self.subnets, Type=kind)

    def caches(self) -> None:
        elasticache = self.client("elasticache")
        for n in range(self.mix.caches):
            elasticache.create_cache_cluster(
                CacheClusterId=f"bench-cache-{n}", Engine="redis", CacheNodeType="cache.t3.micro", NumCacheNodes=1
            )

    def endpoints(self) -> None:
        # One VPC per len(_ENDPOINT_SERVICES) endpoints: a service has one interface endpoint per VPC.
        vpc_id, subnet_id = self.vpc_id, self.subnets[0]
        for n in range(self.mix.endpoints):
            index = n % len(_ENDPOINT_SERVICES)
            if n and index == 0:
                octet = 41 + n // len(_ENDPOINT_SERVICES)
                vpc_id = self.ec2.create_vpc(CidrBlock=f"10.{octet}.0.0/16")["Vpc"]["VpcId"]
                subnet_id = self.ec2.create_subnet(
                    VpcId=vpc_id, CidrBlock=f"10.{octet}.0.0/24", AvailabilityZone=f"{self.region}a"
                )["Subnet"]["SubnetId"]
            self.ec2.create_vpc_endpoint(
                VpcId=vpc_id,
                ServiceName=f"com.amazonaws.{self.region}.{_ENDPOINT_SERVICES[index]}",
                VpcEndpointType="Interface",
                SubnetIds=[subnet_id],
            )


def build_metric_cell(session: Any, region: str, mix: FleetMix) -> None:
    """Create `mix` in the account of `session` (a boto3 Session whose clients reach moto)."""
    builder = _Builder(session, region, mix)
    for step in (
        builder.instances,
        builder.databases,
        builder.functions,
        builder.nat_gateways,
        builder.load_balancers,
        builder.caches,
        builder.endpoints,
    ):
        step()


def pick_with_history(resource_queries: Sequence[Sequence[MetricQuery]], fraction: float, seed: int) -> list[int]:
    """Indexes of about `fraction` of the resources (at least one), chosen reproducibly from `seed`."""
    count = min(len(resource_queries), max(1, math.ceil(len(resource_queries) * fraction)))
    return sorted(random.Random(seed).sample(range(len(resource_queries)), count))


def write_history(
    cloudwatch: Any, queries: Iterable[MetricQuery], end_time: datetime, rng: random.Random
) -> tuple[int, set[MetricKey]]:
    """Samples for each query's metric on ~80% of the days of its window; returns the datums
    written and the metrics that got at least one day.

    Three samples a day inside one hour, so the day's statistic is the same whether the periods
    start at midnight (GetMetricData, real GetMetricStatistics) or at the first sample (moto's
    GetMetricStatistics).
    """
    lookback: dict[MetricKey, int] = {}
    for query in queries:
        key = metric_key(query)
        lookback[key] = max(lookback.get(key, 0), query.lookback_days)
    by_namespace: dict[str, list[dict[str, Any]]] = {}
    with_data: set[MetricKey] = set()
    for (namespace, metric_name, dimensions), days in sorted(lookback.items()):
        dims = [{"Name": name, "Value": value} for name, value in dimensions]
        for back in range(1, days + 1):
            if rng.random() >= 0.8:
                continue  # a day without data: both fetches must agree on the gap too
            day = end_time - timedelta(days=back)
            with_data.add((namespace, metric_name, dimensions))
            by_namespace.setdefault(namespace, []).extend(
                {
                    "MetricName": metric_name,
                    "Dimensions": dims,
                    "Timestamp": day + offset,
                    "Value": round(rng.uniform(0.0, 1000.0), 3),
                }
                for offset in _SAMPLE_OFFSETS
            )
    written = 0
    for namespace, data in sorted(by_namespace.items()):
        for start in range(0, len(data), _DATUMS_PER_PUT):
            chunk = data[start : start + _DATUMS_PER_PUT]
            cloudwatch.put_metric_data(Namespace=namespace, MetricData=chunk)
            written += len(chunk)
    return written, with_data


__all__ = ["FleetMix", "MetricKey", "build_metric_cell", "metric_key", "pick_with_history", "write_history"]
