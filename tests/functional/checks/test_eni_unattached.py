from __future__ import annotations

from typing import Any

import pytest

from orgsweep.checks import get_check
from orgsweep.types import Verdict
from tests.functional.checkkit import MotoContext, run_check, run_instance, vpc_with_subnets

pytestmark = pytest.mark.functional

CHECK = get_check("eni-unattached")


def test_available_interface_is_flagged(ec2: Any, ctx: MotoContext) -> None:
    _, subnets = vpc_with_subnets(ec2, ("us-east-1a",))
    eni = ec2.create_network_interface(
        SubnetId=subnets[0],
        Description="left behind",
        TagSpecifications=[{"ResourceType": "network-interface", "Tags": [{"Key": "Name", "Value": "old"}]}],
    )["NetworkInterface"]
    run = run_check(CHECK(), ctx)
    resource, evaluation = run.only()
    assert resource.resource_id == eni["NetworkInterfaceId"]
    assert resource.tags == {"Name": "old"}
    assert resource.attributes["subnet_id"] == subnets[0]
    assert evaluation.verdict is Verdict.FLAGGED
    assert evaluation.monthly_cost_usd == 0
    assert subnets[0] in evaluation.reason
    assert run.actions == {"ec2:DescribeNetworkInterfaces"}


def test_attached_interface_is_not_in_scope(ec2: Any, ctx: MotoContext) -> None:
    _, subnets = vpc_with_subnets(ec2, ("us-east-1a",))
    eni_id = ec2.create_network_interface(SubnetId=subnets[0])["NetworkInterface"]["NetworkInterfaceId"]
    ec2.attach_network_interface(
        NetworkInterfaceId=eni_id, InstanceId=run_instance(ec2, SubnetId=subnets[0]), DeviceIndex=1
    )
    assert eni_id not in run_check(CHECK(), ctx).resources
