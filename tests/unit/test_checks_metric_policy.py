"""DESIGN §4 "missing metric data means", checked on every metric check without AWS:
no datapoints → zero (FLAGGED) or insufficient_data; an incomplete or unfetched series never
proves idleness; activity in an incomplete series still proves use."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from orgsweep.checks import Check, Resource, all_checks, get_check
from orgsweep.checks.daily import window_end
from orgsweep.metrics.types import MetricQuery, MetricSeries
from orgsweep.types import Verdict

pytestmark = pytest.mark.unit

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
MISSING_MEANS = {
    "ebs-volume-idle": Verdict.INSUFFICIENT_DATA,
    "ec2-instance-idle": Verdict.INSUFFICIENT_DATA,
    "nat-gateway-idle": Verdict.FLAGGED,
    "elb-idle": Verdict.FLAGGED,
    "rds-instance-idle": Verdict.INSUFFICIENT_DATA,
    "elasticache-cluster-idle": Verdict.INSUFFICIENT_DATA,
    "lambda-function-unused": Verdict.FLAGGED,
    "vpc-endpoint-idle": Verdict.FLAGGED,
}
ATTRIBUTES: dict[str, tuple[str, dict[str, Any]]] = {
    "ebs-volume-idle": ("AWS::EC2::Volume", {"size_gib": 8, "volume_type": "gp3"}),
    "ec2-instance-idle": ("AWS::EC2::Instance", {"instance_type": "t3.micro"}),
    "nat-gateway-idle": ("AWS::EC2::NatGateway", {}),
    "elb-idle": ("AWS::ElasticLoadBalancingV2::LoadBalancer", {"kind": "ALB", "dimension": "app/web/1"}),
    "rds-instance-idle": (
        "AWS::RDS::DBInstance",
        {"instance_class": "db.t3.micro", "engine": "mysql", "multi_az": False},
    ),
    "elasticache-cluster-idle": ("AWS::ElastiCache::CacheCluster", {"node_type": "cache.t3.micro", "nodes": 1}),
    "lambda-function-unused": ("AWS::Lambda::Function", {}),
    "vpc-endpoint-idle": (
        "AWS::EC2::VPCEndpoint",
        {
            "service_name": "com.amazonaws.us-east-1.sqs",
            "vpc_id": "vpc-1",
            "endpoint_type": "Interface",
            "subnet_ids": ["s-1"],
        },
    ),
}


class _Ctx:
    account_id, region, partition, now = "123456789012", "us-east-1", "aws", NOW

    def client(self, service: str) -> Any:
        raise AssertionError("evaluate must not call AWS")


def _resource(check_id: str) -> Resource:
    resource_type, attributes = ATTRIBUTES[check_id]
    return Resource(resource_type, "r-1", "arn:aws:test:us-east-1:123456789012:r-1", "available", attributes=attributes)


def _evaluate(check_id: str, make: Any) -> Verdict:
    check = get_check(check_id)()
    resource = _resource(check_id)
    metrics: Mapping[MetricQuery, MetricSeries] = {q: make(q) for q in check.metric_queries(resource)}
    return check.evaluate(resource, metrics, _Ctx()).verdict


def _busy(status: str) -> Any:
    yesterday = window_end(NOW) - timedelta(days=1)
    return lambda q: MetricSeries(q, (yesterday,), (1e12,), status=status)


@pytest.mark.parametrize("check_id", sorted(MISSING_MEANS))
def test_no_datapoints_follows_the_design_column(check_id: str) -> None:
    assert _evaluate(check_id, MetricSeries) is MISSING_MEANS[check_id]


@pytest.mark.parametrize("status", ["Forbidden", "PartialData", "InternalError", "NoResult"])
@pytest.mark.parametrize("check_id", sorted(MISSING_MEANS))
def test_incomplete_series_never_flags(check_id: str, status: str) -> None:
    assert _evaluate(check_id, lambda q: MetricSeries(q, status=status)) is Verdict.INSUFFICIENT_DATA


@pytest.mark.parametrize("check_id", sorted(MISSING_MEANS))
def test_unfetched_queries_never_flag(check_id: str) -> None:
    check = get_check(check_id)()
    evaluation = check.evaluate(_resource(check_id), {}, _Ctx())
    assert evaluation.verdict is Verdict.INSUFFICIENT_DATA
    assert "not fetched" in evaluation.reason


@pytest.mark.parametrize("check_id", sorted(MISSING_MEANS))
def test_activity_in_an_incomplete_series_still_proves_use(check_id: str) -> None:
    assert _evaluate(check_id, _busy("PartialData")) is Verdict.OK


def test_every_metric_check_is_covered() -> None:
    overriding = {cls.id for cls in all_checks() if cls.metric_queries is not Check.metric_queries}
    assert overriding == set(MISSING_MEANS)


def test_an_incomplete_node_series_never_flags_a_multi_node_cluster() -> None:
    check = get_check("elasticache-cluster-idle")()
    attributes = {"node_type": "cache.t3.micro", "nodes": 2, "cache_node_ids": ["0001", "0002"]}
    resource = Resource("AWS::ElastiCache::CacheCluster", "c-1", "arn:aws:test", "available", attributes=attributes)
    first, second = check.metric_queries(resource)
    days = [window_end(NOW) - timedelta(days=n) for n in range(1, 15)]
    quiet = MetricSeries(first, tuple(sorted(days)), (0.0,) * 14)
    evaluation = check.evaluate(resource, {first: quiet, second: MetricSeries(second, status="Forbidden")}, _Ctx())
    assert evaluation.verdict is Verdict.INSUFFICIENT_DATA
    assert "CurrConnections (CacheNodeId 0002): Forbidden" in evaluation.reason
