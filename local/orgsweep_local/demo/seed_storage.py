"""Demo EBS volumes (detached, attached idle/busy/silent) and snapshots (orphaned, in use, young)."""

from __future__ import annotations

from typing import Any

from orgsweep.types import Verdict
from orgsweep_local.demo import fidelity
from orgsweep_local.demo.cell import SeedCell

#: flagged, insufficient data ("no data"), ok
F, ND, OK = Verdict.FLAGGED, Verdict.INSUFFICIENT_DATA, Verdict.OK


def _volume(cell: SeedCell, size: int, zone_index: int = 0, volume_type: str = "gp3") -> str:
    name = cell.name("data")
    volume_id: str = cell.client("ec2").create_volume(
        Size=size,
        VolumeType=volume_type,
        AvailabilityZone=f"{cell.region}{'ab'[zone_index]}",
        TagSpecifications=[{"ResourceType": "volume", "Tags": cell.tags(name)}],
    )["VolumeId"]
    return volume_id


def _zone_of(cell: SeedCell, instance_id: str) -> int:
    reservations = cell.client("ec2").describe_instances(InstanceIds=[instance_id])["Reservations"]
    zone: str = reservations[0]["Instances"][0]["Placement"]["AvailabilityZone"]
    return 0 if zone.endswith("a") else 1


def seed_volumes(cell: SeedCell) -> None:
    ec2 = cell.client("ec2")
    for _ in range(cell.rng.randint(1, 2)):
        size = cell.rng.choice((50, 100, 200, 500))
        volume_id = _volume(cell, size, cell.rng.randint(0, 1), cell.rng.choice(("gp3", "gp2", "st1")))
        fidelity.backdate_volume(cell.account_id, cell.region, volume_id, cell.days_ago(cell.rng.uniform(20, 200)))
        cell.expect("ebs-volume-unattached", volume_id, F, "available (detached)")
        cell.expect("ebs-volume-idle", volume_id, OK, "detached (not evaluated)")
    # Extra data volumes on running instances: one doing nothing, one busy, one that reports no metrics.
    host = cell.busy_instances[0]
    zone = _zone_of(cell, host)
    cases: list[tuple[str, Verdict, tuple[float, float] | None]] = [
        ("attached, ~no I/O", F, (0.0, 5_000.0)),
        ("attached, busy", OK, (2e6, 2e7)),
        ("attached, no metrics", ND, None),
    ]
    for device, (scenario, verdict, ops) in zip(("/dev/sdf", "/dev/sdg", "/dev/sdh"), cases, strict=True):
        volume_id = _volume(cell, cell.rng.choice((100, 250)), zone)
        ec2.attach_volume(VolumeId=volume_id, InstanceId=host, Device=device)
        fidelity.backdate_volume(cell.account_id, cell.region, volume_id, cell.days_ago(150))
        cell.expect("ebs-volume-unattached", volume_id, OK, "attached")
        cell.expect("ebs-volume-idle", volume_id, verdict, scenario)
        if ops is not None:
            for metric in ("VolumeReadOps", "VolumeWriteOps"):
                cell.history.add("AWS/EBS", metric, {"VolumeId": volume_id}, low=ops[0], high=ops[1],
                                 days=cell.history_days, unit="Count", per_day=True)


def seed_snapshots(cell: SeedCell) -> None:
    ec2 = cell.client("ec2")
    # Source volume deleted long ago, no image uses it: flagged. The same but recent: too young.
    for scenario, verdict, age in (
        ("source volume deleted, no AMI", F, cell.rng.uniform(45, 300)),
        ("source volume deleted, 10 days old", OK, 10.0),
    ):
        volume_id = _volume(cell, cell.rng.choice((20, 80)))
        snapshot_id = _snapshot(ec2, volume_id, "nightly backup")
        ec2.delete_volume(VolumeId=volume_id)
        fidelity.backdate_snapshot(cell.account_id, cell.region, snapshot_id, cell.days_ago(age))
        cell.expect("ebs-snapshot-orphaned", snapshot_id, verdict, scenario)
    # Source volume still exists.
    volumes = ec2.describe_volumes(Filters=[{"Name": "attachment.instance-id", "Values": [cell.busy_instances[0]]}])
    snapshot_id = _snapshot(ec2, volumes["Volumes"][0]["VolumeId"], "weekly backup")
    fidelity.backdate_snapshot(cell.account_id, cell.region, snapshot_id, cell.days_ago(90))
    cell.expect("ebs-snapshot-orphaned", snapshot_id, OK, "source volume exists")
    # An AMI's snapshot: its temporary source volume is gone, but the image uses it.
    image_id = ec2.create_image(InstanceId=cell.busy_instances[0], Name=cell.name("golden-image"))["ImageId"]
    image = ec2.describe_images(ImageIds=[image_id])["Images"][0]
    for mapping in image.get("BlockDeviceMappings", []):
        image_snapshot = mapping.get("Ebs", {}).get("SnapshotId")
        if image_snapshot:
            fidelity.backdate_snapshot(cell.account_id, cell.region, image_snapshot, cell.days_ago(120))
            cell.expect("ebs-snapshot-orphaned", image_snapshot, OK, "used by an AMI")


def _snapshot(ec2: Any, volume_id: str, description: str) -> str:
    snapshot_id: str = ec2.create_snapshot(VolumeId=volume_id, Description=description)["SnapshotId"]
    return snapshot_id


__all__ = ["seed_snapshots", "seed_volumes"]
