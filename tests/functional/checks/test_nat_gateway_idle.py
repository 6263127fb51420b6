from __future__ import annotations

from typing import Any

import pytest

from orgsweep.checks import get_check
from orgsweep.types import Verdict
from tests.functional.checkkit import MotoContext, days, each_day, put_daily, run_check, vpc_with_subnets

pytestmark = pytest.mark.functional

CHECK = get_check("nat-gateway-idle")
MIB = 1_048_576


@pytest.fixture
def nat_id(ec2: Any) -> str:
    _, subnets = vpc_with_subnets(ec2, ("us-east-1a",))
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    return str(ec2.create_nat_gateway(SubnetId=subnets[0], AllocationId=allocation)["NatGateway"]["NatGatewayId"])


def _bytes_out(cw: Any, nat_id: str, values: dict[Any, float]) -> None:
    put_daily(cw, "AWS/NATGateway", "BytesOutToDestination", {"NatGatewayId": nat_id}, values)


def test_no_datapoints_means_zero_traffic_and_is_flagged(ctx: MotoContext, nat_id: str) -> None:
    run = run_check(CHECK(), ctx)
    resource, evaluation = run.only()
    assert resource.state == "available"
    assert resource.resource_arn.endswith(f":natgateway/{nat_id}")
    assert evaluation.verdict is Verdict.FLAGGED
    assert evaluation.monthly_cost_usd == pytest.approx(32.85)  # $0.045/h x 730 h
    assert evaluation.evidence["observed"]["total"] == 0
    assert evaluation.evidence["observed"]["days_without_data"] == 14
    assert nat_id in evaluation.reason
    assert run.actions == {"ec2:DescribeNatGateways"}


def test_busy_gateway_is_ok(cw: Any, ctx: MotoContext, nat_id: str) -> None:
    _bytes_out(cw, nat_id, each_day(14, 5 * 1024 * MIB))
    assert run_check(CHECK(), ctx).verdict(nat_id) is Verdict.OK


@pytest.mark.parametrize(("extra", "verdict"), [(0, Verdict.FLAGGED), (1, Verdict.OK)])
def test_max_bytes_boundary_over_the_whole_window(
    cw: Any, ctx: MotoContext, nat_id: str, extra: int, verdict: Verdict
) -> None:
    window = days(14)
    # 1 MiB in total, spread over two days (the rule sums the window), plus `extra` bytes.
    _bytes_out(cw, nat_id, {window[0]: MIB // 2, window[-1]: MIB // 2 + extra})
    assert run_check(CHECK(), ctx).verdict(nat_id) is verdict


def test_traffic_today_or_before_the_window_does_not_count(cw: Any, ctx: MotoContext, nat_id: str) -> None:
    before = days(15)[0]
    _bytes_out(cw, nat_id, {ctx.now.date(): 10 * MIB, before: 10 * MIB})
    assert run_check(CHECK(), ctx).verdict(nat_id) is Verdict.FLAGGED


def test_deleted_gateway_is_not_in_scope(ec2: Any, ctx: MotoContext, nat_id: str) -> None:
    ec2.delete_nat_gateway(NatGatewayId=nat_id)
    assert run_check(CHECK(), ctx).resources == {}
