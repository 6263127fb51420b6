from __future__ import annotations

from typing import Any

import pytest

from orgsweep.checks import get_check
from orgsweep.types import Verdict
from tests.functional.checkkit import MotoContext, run_check, vpc_with_subnets

pytestmark = pytest.mark.functional

CHECK = get_check("security-group-unused")


@pytest.fixture
def net(ec2: Any) -> tuple[str, list[str]]:
    return vpc_with_subnets(ec2, ("us-east-1a",))


def _group(ec2: Any, vpc_id: str, name: str) -> str:
    return str(ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc_id)["GroupId"])


def _reference(ec2: Any, from_group: str, to_group: str, *, egress: bool = False) -> None:
    rule = [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": to_group}]}]
    if egress:
        ec2.authorize_security_group_egress(GroupId=from_group, IpPermissions=rule)
    else:
        ec2.authorize_security_group_ingress(GroupId=from_group, IpPermissions=rule)


def test_unused_group_is_flagged_and_default_groups_are_out_of_scope(
    ec2: Any, ctx: MotoContext, net: tuple[str, list[str]]
) -> None:
    group_id = _group(ec2, net[0], "orphan")
    run = run_check(CHECK(), ctx)
    resource, evaluation = run.only()  # the VPCs' "default" groups are not candidates
    assert resource.resource_id == group_id
    assert resource.resource_arn.endswith(f":security-group/{group_id}")
    assert resource.state == "unused"
    assert evaluation.verdict is Verdict.FLAGGED
    assert evaluation.monthly_cost_usd == 0
    assert '"orphan"' in evaluation.reason
    assert run.actions == {"ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces"}


def test_group_attached_to_an_eni_is_ok(ec2: Any, ctx: MotoContext, net: tuple[str, list[str]]) -> None:
    group_id = _group(ec2, net[0], "app")
    ec2.create_network_interface(SubnetId=net[1][0], Groups=[group_id])
    _, evaluation = run_check(CHECK(), ctx).only()
    assert evaluation.verdict is Verdict.OK
    assert "1 network interface(s)" in evaluation.reason


@pytest.mark.parametrize("egress", [False, True])
def test_group_referenced_by_another_groups_rule_is_ok(
    ec2: Any, ctx: MotoContext, net: tuple[str, list[str]], egress: bool
) -> None:
    db_group, app_group = _group(ec2, net[0], "db"), _group(ec2, net[0], "app")
    ec2.create_network_interface(SubnetId=net[1][0], Groups=[db_group])
    _reference(ec2, db_group, app_group, egress=egress)
    run = run_check(CHECK(), ctx)
    assert run.verdict(app_group) is Verdict.OK
    assert run.resources[app_group].attributes["referenced_by"] == [db_group]


def test_a_self_reference_does_not_count(ec2: Any, ctx: MotoContext, net: tuple[str, list[str]]) -> None:
    group_id = _group(ec2, net[0], "cluster")
    _reference(ec2, group_id, group_id)
    assert run_check(CHECK(), ctx).verdict(group_id) is Verdict.FLAGGED


def test_only_default_groups_makes_no_eni_call(ctx: MotoContext, net: tuple[str, list[str]]) -> None:
    run = run_check(CHECK(), ctx)
    assert run.resources == {}
    assert run.actions == {"ec2:DescribeSecurityGroups"}
