from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from orgsweep.checks import get_check
from orgsweep.types import Verdict
from tests.functional.checkkit import MotoContext, run_check, run_instance

pytestmark = pytest.mark.functional

CHECK = get_check("ebs-volume-unattached")


def _volume(ec2: Any, size: int = 100, volume_type: str = "gp3") -> dict[str, Any]:
    return dict(
        ec2.create_volume(
            AvailabilityZone="us-east-1a",
            Size=size,
            VolumeType=volume_type,
            TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "scratch"}]}],
        )
    )


def test_unattached_volume_is_flagged_with_cost_and_inventory(ec2: Any, make_ctx: Callable[..., MotoContext]) -> None:
    volume = _volume(ec2)
    run = run_check(CHECK(), make_ctx(volume["CreateTime"] + timedelta(days=42)))

    resource, evaluation = run.only()
    assert resource.resource_id == volume["VolumeId"]
    assert resource.resource_arn == f"arn:aws:ec2:us-east-1:123456789012:volume/{volume['VolumeId']}"
    assert (resource.state, resource.tags["Name"]) == ("available", "scratch")
    assert resource.attributes["size_gib"] == 100 and resource.attributes["volume_type"] == "gp3"
    assert evaluation.verdict is Verdict.FLAGGED
    assert evaluation.monthly_cost_usd == pytest.approx(8.0)  # 100 GiB x $0.08
    assert f"EBS volume {volume['VolumeId']} (100 GiB gp3)" in evaluation.reason
    assert "42 days" in evaluation.reason
    assert evaluation.evidence["thresholds"] == {"min_age_days": 0}
    assert run.actions == {"ec2:DescribeVolumes"}


def test_attached_volume_is_not_in_scope(ec2: Any, ctx: MotoContext) -> None:
    run_instance(ec2)  # its root volume is in-use
    assert run_check(CHECK(), ctx).resources == {}


def test_min_age_boundary(ec2: Any, make_ctx: Callable[..., MotoContext]) -> None:
    volume = _volume(ec2, size=10, volume_type="gp2")
    check = CHECK.from_raw_params({"min_age_days": 5})
    at = run_check(check, make_ctx(volume["CreateTime"] + timedelta(days=5)))
    assert at.verdict(volume["VolumeId"]) is Verdict.FLAGGED
    before = run_check(check, make_ctx(volume["CreateTime"] + timedelta(days=5) - timedelta(seconds=1)))
    _, evaluation = before.only()
    assert evaluation.verdict is Verdict.OK
    assert "only 4 days old" in evaluation.reason


def test_unknown_volume_type_costs_zero_and_says_so(ec2: Any, ctx: MotoContext) -> None:
    check = CHECK()
    volume = _volume(ec2, size=10, volume_type="gp3")
    (resource,) = list(check.discover(ctx))
    exotic = replace(resource, attributes={**resource.attributes, "volume_type": "gp9"})
    evaluation = check.evaluate(exotic, {}, ctx)
    assert evaluation.monthly_cost_usd == 0
    assert "no price" in evaluation.evidence["cost"]
    assert volume["VolumeId"] in evaluation.reason
