"""EC2 discovery shared by the volume and instance checks."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from orgsweep.checks.support import as_utc, chunks, ec2_arn, paginate, tag_dict
from orgsweep.checks.types import CheckContext, Resource
from orgsweep.clock import iso_utc

VOLUME_TYPE = "AWS::EC2::Volume"
INSTANCE_TYPE = "AWS::EC2::Instance"
#: Values sent in one filter of one Describe* call (EC2 accepts at most 200).
FILTER_VALUES_PER_CALL = 200


def volumes(ctx: CheckContext, *filters: tuple[str, list[str]]) -> Iterator[dict[str, Any]]:
    """DescribeVolumes with server-side filters (filtered calls have the larger API budget)."""
    yield from paginate(
        ctx.client("ec2"),
        "describe_volumes",
        "Volumes",
        page_size=500,
        Filters=[{"Name": name, "Values": values} for name, values in filters],
    )


def volumes_matching(ctx: CheckContext, filter_name: str, values: Sequence[str]) -> Iterator[dict[str, Any]]:
    """Volumes whose `filter_name` is one of `values`, asked FILTER_VALUES_PER_CALL values at a time."""
    for batch in chunks(values, FILTER_VALUES_PER_CALL):
        yield from volumes(ctx, (filter_name, batch))


def volume_resource(ctx: CheckContext, volume: dict[str, Any]) -> Resource:
    attachments = [a["InstanceId"] for a in volume.get("Attachments", []) if a.get("InstanceId")]
    return Resource(
        resource_type=VOLUME_TYPE,
        resource_id=volume["VolumeId"],
        resource_arn=ec2_arn(ctx, "volume", volume["VolumeId"]),
        state=volume.get("State", ""),
        created_at=as_utc(volume.get("CreateTime")),
        tags=tag_dict(volume.get("Tags")),
        attributes={
            "size_gib": int(volume.get("Size", 0)),
            "volume_type": volume.get("VolumeType", ""),
            "iops": volume.get("Iops"),
            "throughput": volume.get("Throughput"),
            "availability_zone": volume.get("AvailabilityZone"),
            "encrypted": bool(volume.get("Encrypted", False)),
            "snapshot_id": volume.get("SnapshotId") or None,
            "attached_instances": attachments,
        },
    )


def instances(ctx: CheckContext, state: str) -> Iterator[dict[str, Any]]:
    """Instances in one state (e.g. "running"), across every reservation."""
    pages = (
        ctx.client("ec2")
        .get_paginator("describe_instances")
        .paginate(Filters=[{"Name": "instance-state-name", "Values": [state]}], PaginationConfig={"PageSize": 1000})
    )
    for page in pages:
        for reservation in page.get("Reservations", []):
            yield from reservation.get("Instances", [])


def instance_resource(ctx: CheckContext, instance: dict[str, Any], **extra: Any) -> Resource:
    # EC2 has no creation time: LaunchTime is the last start, so it stays an attribute.
    return Resource(
        resource_type=INSTANCE_TYPE,
        resource_id=instance["InstanceId"],
        resource_arn=ec2_arn(ctx, "instance", instance["InstanceId"]),
        state=instance.get("State", {}).get("Name", ""),
        created_at=None,
        tags=tag_dict(instance.get("Tags")),
        attributes={
            "instance_type": instance.get("InstanceType", ""),
            "launch_time": iso_utc(as_utc(instance.get("LaunchTime"))),
            "availability_zone": instance.get("Placement", {}).get("AvailabilityZone"),
            "platform": instance.get("PlatformDetails") or instance.get("Platform"),
            "vpc_id": instance.get("VpcId"),
            "volume_ids": [m["Ebs"]["VolumeId"] for m in instance.get("BlockDeviceMappings", []) if "Ebs" in m],
            **extra,
        },
    )


__all__ = [
    "FILTER_VALUES_PER_CALL",
    "INSTANCE_TYPE",
    "VOLUME_TYPE",
    "instance_resource",
    "instances",
    "volume_resource",
    "volumes",
    "volumes_matching",
]
