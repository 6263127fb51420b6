from __future__ import annotations

from typing import Any

import pytest

from orgsweep.checks import get_check
from orgsweep.types import Verdict
from tests.functional.checkkit import MotoContext, run_check, run_instance

pytestmark = pytest.mark.functional

CHECK = get_check("eip-unassociated")


def test_unassociated_address_is_flagged(ec2: Any, ctx: MotoContext) -> None:
    address = ec2.allocate_address(Domain="vpc")
    run = run_check(CHECK(), ctx)
    resource, evaluation = run.only()
    assert resource.resource_id == address["AllocationId"]
    assert resource.resource_arn.endswith(f":elastic-ip/{address['AllocationId']}")
    assert resource.state == "unassociated"
    assert evaluation.verdict is Verdict.FLAGGED
    assert evaluation.monthly_cost_usd == pytest.approx(3.65)  # $0.005/h x 730 h
    assert address["PublicIp"] in evaluation.reason
    assert evaluation.evidence["thresholds"] == {}
    assert run.actions == {"ec2:DescribeAddresses"}


def test_associated_address_is_ok(ec2: Any, ctx: MotoContext) -> None:
    address = ec2.allocate_address(Domain="vpc")
    instance_id = run_instance(ec2)
    ec2.associate_address(AllocationId=address["AllocationId"], InstanceId=instance_id)
    resource, evaluation = run_check(CHECK(), ctx).only()
    assert resource.state == "associated"
    assert evaluation.verdict is Verdict.OK
    assert instance_id in evaluation.reason
