from __future__ import annotations

from typing import Any

import pytest

from orgsweep.checks import get_check
from orgsweep.types import Verdict
from tests.functional.checkkit import MotoContext, days, each_day, put_daily, run_check, vpc_with_subnets

pytestmark = pytest.mark.functional

CHECK = get_check("vpc-endpoint-idle")
SERVICE = "com.amazonaws.us-east-1.sqs"


@pytest.fixture
def endpoint(ec2: Any) -> dict[str, Any]:
    vpc_id, subnets = vpc_with_subnets(ec2)
    return dict(
        ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName=SERVICE, VpcEndpointType="Interface", SubnetIds=subnets)[
            "VpcEndpoint"
        ]
    )


def _bytes(cw: Any, endpoint: dict[str, Any], values: dict[Any, float]) -> None:
    dims = {
        "Endpoint Type": "Interface",
        "Service Name": SERVICE,
        "VPC Endpoint Id": endpoint["VpcEndpointId"],
        "VPC Id": endpoint["VpcId"],
    }
    put_daily(cw, "AWS/PrivateLinkEndpoints", "BytesProcessed", dims, values)


def test_no_datapoints_means_no_bytes_and_is_flagged(ctx: MotoContext, endpoint: dict[str, Any]) -> None:
    run = run_check(CHECK(), ctx)
    resource, evaluation = run.only()
    endpoint_id = endpoint["VpcEndpointId"]
    assert resource.resource_arn.endswith(f":vpc-endpoint/{endpoint_id}")
    assert evaluation.verdict is Verdict.FLAGGED
    assert evaluation.monthly_cost_usd == pytest.approx(2 * 0.01 * 730)  # two AZs
    assert SERVICE in evaluation.reason
    (query,) = run.queries[endpoint_id]
    assert (query.namespace, query.metric_name, query.statistic) == (
        "AWS/PrivateLinkEndpoints",
        "BytesProcessed",
        "Sum",
    )
    assert dict(query.dimensions) == {
        "Endpoint Type": "Interface",
        "Service Name": SERVICE,
        "VPC Endpoint Id": endpoint_id,
        "VPC Id": endpoint["VpcId"],
    }
    assert run.actions == {"ec2:DescribeVpcEndpoints"}


def test_busy_endpoint_is_ok(cw: Any, ctx: MotoContext, endpoint: dict[str, Any]) -> None:
    _bytes(cw, endpoint, each_day(14, 10**9))
    assert run_check(CHECK(), ctx).verdict(endpoint["VpcEndpointId"]) is Verdict.OK


@pytest.mark.parametrize(("value", "verdict"), [(0, Verdict.FLAGGED), (1, Verdict.OK)])
def test_max_bytes_boundary(
    cw: Any, ctx: MotoContext, endpoint: dict[str, Any], value: float, verdict: Verdict
) -> None:
    values = each_day(14, 0)
    values[days(14)[6]] = value
    _bytes(cw, endpoint, values)
    assert run_check(CHECK(), ctx).verdict(endpoint["VpcEndpointId"]) is verdict


def test_raised_threshold_sums_the_window(cw: Any, ctx: MotoContext, endpoint: dict[str, Any]) -> None:
    _bytes(cw, endpoint, each_day(14, 100))  # 1,400 bytes in total
    endpoint_id = endpoint["VpcEndpointId"]
    assert run_check(CHECK.from_raw_params({"max_bytes": 1_400}), ctx).verdict(endpoint_id) is Verdict.FLAGGED
    assert run_check(CHECK.from_raw_params({"max_bytes": 1_399}), ctx).verdict(endpoint_id) is Verdict.OK


def test_gateway_endpoints_are_out_of_scope(ec2: Any, ctx: MotoContext) -> None:
    vpc_id, _ = vpc_with_subnets(ec2, ("us-east-1a",))
    ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName="com.amazonaws.us-east-1.s3", VpcEndpointType="Gateway")
    assert run_check(CHECK(), ctx).resources == {}
