from __future__ import annotations

from typing import Any

import pytest

from orgsweep.checks import get_check
from orgsweep.types import Verdict
from tests.functional.checkkit import MotoContext, run_check, run_instance, vpc_with_subnets

pytestmark = pytest.mark.functional

CHECK = get_check("elb-no-targets")


@pytest.fixture
def net(ec2: Any) -> tuple[str, list[str]]:
    return vpc_with_subnets(ec2)


def _alb_with_group(session: Any, net: tuple[str, list[str]], name: str) -> tuple[str, str]:
    vpc_id, subnets = net
    elbv2 = session.client("elbv2")
    lb_arn = elbv2.create_load_balancer(Name=name, Subnets=subnets, Type="application")["LoadBalancers"][0][
        "LoadBalancerArn"
    ]
    group_arn = elbv2.create_target_group(Name=f"{name}-tg", Protocol="HTTP", Port=80, VpcId=vpc_id)["TargetGroups"][0][
        "TargetGroupArn"
    ]
    elbv2.create_listener(
        LoadBalancerArn=lb_arn,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group_arn}],
    )
    return lb_arn, group_arn


def test_target_group_without_targets_is_flagged(session: Any, ctx: MotoContext, net: tuple[str, list[str]]) -> None:
    _, group_arn = _alb_with_group(session, net, "empty")
    run = run_check(CHECK(), ctx)
    resource, evaluation = run.only()
    assert resource.attributes["target_groups"] == {group_arn: 0}
    assert evaluation.verdict is Verdict.FLAGGED
    assert evaluation.monthly_cost_usd == pytest.approx(16.425)
    assert "none has a registered target" in evaluation.reason
    assert run.actions == set(CHECK.permissions)


def test_registered_target_is_ok(session: Any, ec2: Any, ctx: MotoContext, net: tuple[str, list[str]]) -> None:
    _, group_arn = _alb_with_group(session, net, "serving")
    session.client("elbv2").register_targets(TargetGroupArn=group_arn, Targets=[{"Id": run_instance(ec2)}])
    _, evaluation = run_check(CHECK(), ctx).only()
    assert evaluation.verdict is Verdict.OK
    assert "1 registered target(s)" in evaluation.reason


def test_load_balancer_without_target_groups_is_flagged(
    session: Any, ctx: MotoContext, net: tuple[str, list[str]]
) -> None:
    session.client("elbv2").create_load_balancer(Name="bare-nlb", Subnets=net[1], Type="network")
    _, evaluation = run_check(CHECK(), ctx).only()
    assert evaluation.verdict is Verdict.FLAGGED
    assert "no target group" in evaluation.reason


def test_each_load_balancer_is_judged_on_its_own_groups(
    session: Any, ec2: Any, ctx: MotoContext, net: tuple[str, list[str]]
) -> None:
    _alb_with_group(session, net, "idle")
    _, busy_group = _alb_with_group(session, net, "busy")
    session.client("elbv2").register_targets(TargetGroupArn=busy_group, Targets=[{"Id": run_instance(ec2)}])
    run = run_check(CHECK(), ctx)
    assert {rid: e.verdict for rid, e in run.evaluations.items()} == {"idle": Verdict.FLAGGED, "busy": Verdict.OK}


def test_classic_load_balancers_are_out_of_scope(session: Any, ctx: MotoContext) -> None:
    session.client("elb").create_load_balancer(
        LoadBalancerName="old",
        Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}],
        AvailabilityZones=["us-east-1a"],
    )
    run = run_check(CHECK(), ctx)
    assert run.resources == {}
    assert run.actions == {"elasticloadbalancing:DescribeLoadBalancers"}
