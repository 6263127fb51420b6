from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from orgsweep.checks import get_check
from orgsweep.types import Verdict
from tests.functional.checkkit import MotoContext, run_check

pytestmark = pytest.mark.functional

CHECK = get_check("ebs-snapshot-orphaned")


def _snapshot(ec2: Any, *, keep_volume: bool, size: int = 20) -> dict[str, Any]:
    volume_id = ec2.create_volume(AvailabilityZone="us-east-1a", Size=size)["VolumeId"]
    snapshot = dict(ec2.create_snapshot(VolumeId=volume_id, Description="nightly"))
    if not keep_volume:
        ec2.delete_volume(VolumeId=volume_id)
    return snapshot


def test_orphan_older_than_min_age_is_flagged(ec2: Any, make_ctx: Callable[..., MotoContext]) -> None:
    snap = _snapshot(ec2, keep_volume=False)
    run = run_check(CHECK(), make_ctx(snap["StartTime"] + timedelta(days=45)))
    resource, evaluation = run.only()
    assert resource.resource_arn == f"arn:aws:ec2:us-east-1::snapshot/{snap['SnapshotId']}"
    assert resource.attributes["source_volume_exists"] is False
    assert evaluation.verdict is Verdict.FLAGGED
    assert evaluation.monthly_cost_usd == pytest.approx(1.0)  # 20 GiB x $0.05, upper bound
    assert "45 days old" in evaluation.reason and snap["VolumeId"] in evaluation.reason
    assert run.actions == {"ec2:DescribeSnapshots", "ec2:DescribeVolumes", "ec2:DescribeImages"}


def test_snapshot_of_an_existing_volume_is_ok(ec2: Any, make_ctx: Callable[..., MotoContext]) -> None:
    snap = _snapshot(ec2, keep_volume=True)
    _, evaluation = run_check(CHECK(), make_ctx(snap["StartTime"] + timedelta(days=400))).only()
    assert evaluation.verdict is Verdict.OK
    assert "still exists" in evaluation.reason


def test_snapshot_backing_an_ami_is_ok(ec2: Any, make_ctx: Callable[..., MotoContext]) -> None:
    # moto's RegisterImage creates the AMI's snapshot itself, from a volume that does not exist.
    image_id = ec2.register_image(Name="golden-image", RootDeviceName="/dev/sda1")["ImageId"]
    (snapshot,) = ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
    run = run_check(CHECK(), make_ctx(snapshot["StartTime"] + timedelta(days=400)))
    resource, evaluation = run.only()
    assert resource.attributes["source_volume_exists"] is False
    assert resource.attributes["used_by_images"] == [image_id]
    assert evaluation.verdict is Verdict.OK
    assert image_id in evaluation.reason


def test_min_age_boundary(ec2: Any, make_ctx: Callable[..., MotoContext]) -> None:
    snap = _snapshot(ec2, keep_volume=False)
    exactly = snap["StartTime"] + timedelta(days=30)
    assert run_check(CHECK(), make_ctx(exactly)).verdict(snap["SnapshotId"]) is Verdict.FLAGGED
    just_before = exactly - timedelta(seconds=1)
    assert run_check(CHECK(), make_ctx(just_before)).verdict(snap["SnapshotId"]) is Verdict.OK


def test_no_snapshots_makes_no_further_calls(ctx: MotoContext) -> None:
    run = run_check(CHECK(), ctx)
    assert run.resources == {}
    assert run.actions == {"ec2:DescribeSnapshots"}
