"""ebs-snapshot-orphaned: a snapshot (owned by this account) whose source volume no longer
exists and that no AMI of this account references, older than `min_age_days`.

Discovery lists the account's own snapshots, then asks which of their source volumes still
exist (DescribeVolumes filtered by volume-id, 200 ids a call) and which snapshots back an
AMI of this account (DescribeImages, Owners=self). Both facts go into the inventory
attributes, so evaluate needs no further calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from orgsweep.checks import pricing
from orgsweep.checks.base import Check
from orgsweep.checks.catalogue._ec2 import volumes_matching
from orgsweep.checks.registry import register
from orgsweep.checks.support import age_days, as_utc, ec2_arn, evidence, fmt_days, paginate, tag_dict
from orgsweep.checks.types import CheckContext, Evaluation, Resource
from orgsweep.metrics.types import MetricQuery, MetricSeries
from orgsweep.types import Verdict


@dataclass(frozen=True)
class EbsSnapshotOrphanedParams:
    min_age_days: int = 30


@register
class EbsSnapshotOrphaned(Check):
    id = "ebs-snapshot-orphaned"
    resource_type = "AWS::EC2::Snapshot"
    description = "EBS snapshot whose source volume is gone and that no AMI uses."
    permissions = ("ec2:DescribeImages", "ec2:DescribeSnapshots", "ec2:DescribeVolumes")
    Params = EbsSnapshotOrphanedParams

    def discover(self, ctx: CheckContext) -> Iterable[Resource]:
        ec2 = ctx.client("ec2")
        snapshots = list(paginate(ec2, "describe_snapshots", "Snapshots", page_size=1000, OwnerIds=["self"]))
        if not snapshots:
            return
        source_ids = sorted({s["VolumeId"] for s in snapshots if s.get("VolumeId")})
        existing = {v["VolumeId"] for v in volumes_matching(ctx, "volume-id", source_ids)}
        used_by: dict[str, list[str]] = {}
        for image in paginate(ec2, "describe_images", "Images", Owners=["self"]):
            for mapping in image.get("BlockDeviceMappings", []):
                snapshot_id = mapping.get("Ebs", {}).get("SnapshotId")
                if snapshot_id:
                    used_by.setdefault(snapshot_id, []).append(image["ImageId"])
        for snap in snapshots:
            yield Resource(
                resource_type=self.resource_type,
                resource_id=snap["SnapshotId"],
                resource_arn=ec2_arn(ctx, "snapshot", snap["SnapshotId"]),
                state=snap.get("State", ""),
                created_at=as_utc(snap.get("StartTime")),
                tags=tag_dict(snap.get("Tags")),
                attributes={
                    "size_gib": int(snap.get("VolumeSize", 0)),
                    "source_volume_id": snap.get("VolumeId"),
                    "source_volume_exists": snap.get("VolumeId") in existing,
                    "used_by_images": sorted(used_by.get(snap["SnapshotId"], [])),
                    "description": snap.get("Description", ""),
                    "storage_tier": snap.get("StorageTier"),
                },
            )

    def evaluate(
        self, resource: Resource, metrics: Mapping[MetricQuery, MetricSeries], ctx: CheckContext
    ) -> Evaluation:
        p: EbsSnapshotOrphanedParams = self.params
        attrs = resource.attributes
        cost = pricing.ebs_snapshot(attrs["size_gib"])
        age = age_days(resource.created_at, ctx.now)
        facts = evidence(
            p,
            cost=cost,
            age_days=age,
            source_volume_id=attrs["source_volume_id"],
            source_volume_exists=attrs["source_volume_exists"],
            used_by_images=attrs["used_by_images"],
        )
        what = f"EBS snapshot {resource.resource_id} ({attrs['size_gib']} GiB)"
        if attrs["source_volume_exists"]:
            reason = f"{what} has a source volume that still exists ({attrs['source_volume_id']})."
            return Evaluation(Verdict.OK, reason, facts, cost.monthly_usd)
        if attrs["used_by_images"]:
            reason = f"{what} backs AMI {', '.join(attrs['used_by_images'])}."
            return Evaluation(Verdict.OK, reason, facts, cost.monthly_usd)
        if age is None:
            reason = f"{what} has no source volume and no AMI, but its age is unknown."
            return Evaluation(Verdict.INSUFFICIENT_DATA, reason, facts, cost.monthly_usd)
        if age < p.min_age_days:
            reason = (
                f"{what} has no source volume and no AMI but is only {fmt_days(age)} old (minimum {p.min_age_days})."
            )
            return Evaluation(Verdict.OK, reason, facts, cost.monthly_usd)
        reason = (
            f"{what} is {fmt_days(age)} old; its source volume {attrs['source_volume_id'] or '(unknown)'} "
            "no longer exists and no AMI of this account uses it."
        )
        return Evaluation(Verdict.FLAGGED, reason, facts, cost.monthly_usd)


__all__ = ["EbsSnapshotOrphaned", "EbsSnapshotOrphanedParams"]
