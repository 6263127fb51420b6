"""A test harness for checks: a CheckContext over a moto boto3 session, `run_check`
(discover → queries → one MetricBatcher fetch, as the cell does → evaluate), recording of
every AWS operation a check calls as an IAM action, and seeding helpers.

The recorded actions are the ground truth for the permission tests: `run_check` fails
when a check calls an action it does not declare.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from orgsweep.checks import Check, Evaluation, Resource
from orgsweep.checks.daily import window_days, window_end
from orgsweep.metrics import MetricBatcher
from orgsweep.metrics.types import MetricQuery, MetricSeries
from orgsweep.types import Verdict

ACCOUNT_ID = "123456789012"  # moto's default account
REGION = "us-east-1"
#: Fixed evaluation time of metric tests; its windows end at 2026-01-15 00:00 UTC.
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)

#: boto3 service name → IAM action prefix where they differ.
_IAM_PREFIX = {"elbv2": "elasticloadbalancing", "elb": "elasticloadbalancing", "resourcegroupstaggingapi": "tag"}
_EVIDENCE_KEYS = {"metric", "statistic", "period", "lookback_days", "values", "thresholds", "observed", "cost"}


def iam_action(service_name: str, operation_name: str) -> str:
    """ "ec2", "DescribeVolumes" → "ec2:DescribeVolumes" (the operation name is the IAM action name)."""
    return f"{_IAM_PREFIX.get(service_name, service_name)}:{operation_name}"


class MotoContext:
    """CheckContext over a boto3 session (moto); records every operation its clients call."""

    def __init__(
        self,
        session: Any,
        *,
        now: datetime = NOW,
        account_id: str = ACCOUNT_ID,
        region: str = REGION,
        partition: str = "aws",
    ) -> None:
        self.session = session
        self.now = now
        self.account_id = account_id
        self.region = region
        self.partition = partition
        self.calls: list[str] = []
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        if service not in self._clients:
            client = self.session.client(service, region_name=self.region)
            client.meta.events.register("before-call", self._record)
            self._clients[service] = client
        return self._clients[service]

    def _record(self, model: Any, **_: Any) -> None:
        self.calls.append(iam_action(model.service_model.service_name, model.name))

    @property
    def actions(self) -> frozenset[str]:
        return frozenset(self.calls)


def fetch_metrics(cloudwatch: Any, queries: Iterable[MetricQuery], now: datetime) -> dict[MetricQuery, MetricSeries]:
    """The cell's way: one MetricBatcher whose windows end at the start of `now`'s UTC day."""
    batcher = MetricBatcher(cloudwatch, end_time=window_end(now))
    batcher.add_many(queries)
    return batcher.fetch()


@dataclass
class CheckRun:
    """What one run of a check produced, keyed by resource id."""

    resources: dict[str, Resource]
    queries: dict[str, tuple[MetricQuery, ...]]
    metrics: dict[MetricQuery, MetricSeries]
    evaluations: dict[str, Evaluation]
    actions: frozenset[str]
    calls: list[str] = field(default_factory=list)

    def verdict(self, resource_id: str) -> Verdict:
        return self.evaluations[resource_id].verdict

    def only(self) -> tuple[Resource, Evaluation]:
        """The single resource of the run (fails when there is not exactly one)."""
        assert len(self.resources) == 1, f"expected one resource, got {sorted(self.resources)}"
        (rid,) = self.resources
        return self.resources[rid], self.evaluations[rid]


def run_check(check: Check, ctx: MotoContext, metrics_client: Any | None = None) -> CheckRun:
    """discover → metric_queries → fetch → evaluate, asserting the check's invariants:
    declared permissions cover every call, ids are unique, evidence and attributes are JSON,
    reasons are one sentence, verdicts are Verdicts."""
    start = len(ctx.calls)
    resources: dict[str, Resource] = {}
    for resource in check.discover(ctx):
        assert resource.resource_id not in resources, f"duplicate resource {resource.resource_id}"
        resources[resource.resource_id] = resource
    queries = {rid: tuple(check.metric_queries(r)) for rid, r in resources.items()}
    all_queries = [q for qs in queries.values() for q in qs]
    metrics: dict[MetricQuery, MetricSeries] = {}
    if all_queries:
        cloudwatch = metrics_client or ctx.session.client("cloudwatch", region_name=ctx.region)
        metrics = fetch_metrics(cloudwatch, all_queries, ctx.now)
    evaluations = {rid: check.evaluate(r, metrics, ctx) for rid, r in resources.items()}
    calls = ctx.calls[start:]
    undeclared = set(calls) - set(check.permissions)
    assert not undeclared, f"{check.id} called undeclared actions {sorted(undeclared)}"
    for rid, resource in resources.items():
        assert_resource_valid(check, resource)
        assert_evaluation_valid(evaluations[rid])
    return CheckRun(resources, queries, metrics, evaluations, frozenset(calls), calls)


def assert_resource_valid(check: Check, resource: Resource) -> None:
    assert resource.resource_id and resource.resource_arn.startswith("arn:aws:"), resource
    assert resource.resource_type.startswith("AWS::"), resource.resource_type
    assert resource.created_at is None or resource.created_at.tzinfo is not None
    json.dumps(dict(resource.attributes))
    json.dumps(dict(resource.tags))
    for query in check.metric_queries(resource):
        assert query.period == 86_400 and query.lookback_days >= 1 and query.dimensions, query


def assert_evaluation_valid(evaluation: Evaluation) -> None:
    assert isinstance(evaluation.verdict, Verdict)
    reason = evaluation.reason
    assert reason and reason.endswith(".") and "\n" not in reason, reason
    assert set(evaluation.evidence) == _EVIDENCE_KEYS, sorted(evaluation.evidence)
    json.dumps(dict(evaluation.evidence))
    assert evaluation.monthly_cost_usd >= 0


# --- seeding ---------------------------------------------------------------------------


def days(lookback: int, now: datetime = NOW) -> list[date]:
    """The days of a `lookback`-day window at `now`, oldest first."""
    return window_days(now, lookback)


def put_daily(
    cloudwatch: Any, namespace: str, metric: str, dimensions: Mapping[str, str], values: Mapping[date, float]
) -> None:
    """One datapoint at noon of each day, so that day's Sum, Average and Maximum all equal it."""
    data = [
        {
            "MetricName": metric,
            "Dimensions": [{"Name": n, "Value": v} for n, v in dimensions.items()],
            "Timestamp": datetime.combine(day, time(12), tzinfo=UTC),
            "Value": float(value),
        }
        for day, value in values.items()
    ]
    for start in range(0, len(data), 1000):
        cloudwatch.put_metric_data(Namespace=namespace, MetricData=data[start : start + 1000])


def each_day(lookback: int, value: float, now: datetime = NOW) -> dict[date, float]:
    return dict.fromkeys(days(lookback, now), value)


def vpc_with_subnets(ec2: Any, zones: Sequence[str] = ("us-east-1a", "us-east-1b")) -> tuple[str, list[str]]:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for i, zone in enumerate(zones, start=1)
    ]
    return vpc_id, subnets


def iam_role(session: Any, name: str = "orgsweep-test-role") -> str:
    return str(session.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument="{}")["Role"]["Arn"])


def lambda_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return None\n")
    return buffer.getvalue()


def run_instance(ec2: Any, instance_type: str = "t3.micro", **kwargs: Any) -> str:
    response = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType=instance_type, **kwargs)
    return str(response["Instances"][0]["InstanceId"])


__all__ = [
    "ACCOUNT_ID",
    "NOW",
    "REGION",
    "CheckRun",
    "MotoContext",
    "days",
    "each_day",
    "fetch_metrics",
    "iam_action",
    "iam_role",
    "lambda_zip",
    "put_daily",
    "run_check",
    "run_instance",
    "vpc_with_subnets",
]
