"""Demo EC2 instances (busy, idle, new, stopped) with their volumes, interfaces and addresses."""

from __future__ import annotations

from dataclasses import dataclass

from orgsweep.types import Verdict
from orgsweep_local.demo import fidelity
from orgsweep_local.demo.cell import SeedCell

#: flagged, insufficient data ("no data"), ok
F, ND, OK = Verdict.FLAGGED, Verdict.INSUFFICIENT_DATA, Verdict.OK
_KB = 1024
_MB = 1024 * _KB
_GB = 1024 * _MB
AMI_ID = "ami-0abcdef1234567890"  # moto does not validate image ids; real fleets launch from public AMIs


@dataclass(frozen=True, slots=True)
class InstanceProfile:
    """How an instance behaves: CPU % per sample, network bytes per day (each direction), disk ops per day."""

    scenario: str
    instance_type: str
    cpu: tuple[float, float]
    net_per_day: tuple[float, float]
    ops_per_day: tuple[float, float]
    launched_days_ago: float
    data_days: int  # days of metric history
    stopped_days_ago: float | None = None
    idle_verdict: Verdict = OK
    volume_verdict: Verdict = OK


def profiles(cell: SeedCell) -> list[InstanceProfile]:
    rng, days = cell.rng, cell.history_days
    busy_ops = (3e6, 3e7)  # ≥ 35 IOPS all day: far above 86,400 ops/day
    idle_ops = (200.0, 20_000.0)
    out = [
        InstanceProfile("busy", "m5.large", (25, 85), (2 * _GB, 30 * _GB), busy_ops, 180, days)
        for _ in range(rng.randint(1, 2))
    ]
    out += [
        InstanceProfile("idle", "t3.large", (0.2, 4.0), (50 * _KB, 1.5 * _MB), idle_ops, 120, days,
                        idle_verdict=F, volume_verdict=F)
        for _ in range(rng.randint(1, 2))
    ]
    out += [
        InstanceProfile("network-bound, low CPU", "c5.xlarge", (1.0, 6.0), (5 * _GB, 50 * _GB), busy_ops, 90, days),
        # Two days of history is fewer than the 4 days the check needs: undecidable, not idle.
        InstanceProfile("launched 2 days ago", "t3.micro", (0.5, 3.0), (50 * _KB, 1 * _MB), idle_ops, 2, 2,
                        idle_verdict=ND, volume_verdict=ND),
        InstanceProfile("stopped 45 days ago", "r5.large", (5, 40), (1 * _GB, 5 * _GB), busy_ops, 400, 0,
                        stopped_days_ago=45, volume_verdict=ND),
        InstanceProfile("stopped 10 days ago", "t3.large", (5, 40), (1 * _GB, 5 * _GB), busy_ops, 300, days - 10,
                        stopped_days_ago=10, volume_verdict=ND),
    ]
    return out


def seed_instances(cell: SeedCell) -> None:
    for profile in profiles(cell):
        _seed_instance(cell, profile)


def _seed_instance(cell: SeedCell, profile: InstanceProfile) -> None:
    ec2 = cell.client("ec2")
    name = cell.name(profile.instance_type.split(".")[0])
    instance = ec2.run_instances(
        ImageId=AMI_ID,
        MinCount=1,
        MaxCount=1,
        InstanceType=profile.instance_type,
        SubnetId=cell.net.subnet_ids[cell.rng.randint(0, 1)],
        SecurityGroupIds=[cell.net.app_sg],
        TagSpecifications=[{"ResourceType": "instance", "Tags": cell.tags(name, scenario=profile.scenario)}],
    )["Instances"][0]
    instance_id = instance["InstanceId"]
    fidelity.backdate_instance(cell.account_id, cell.region, instance_id, cell.days_ago(profile.launched_days_ago))
    for interface in instance.get("NetworkInterfaces", []):
        cell.expect("eni-unattached", interface["NetworkInterfaceId"], OK, "primary interface of an instance")
    ending = 0
    if profile.stopped_days_ago is not None:
        ec2.stop_instances(InstanceIds=[instance_id])
        fidelity.backdate_stop(cell.account_id, cell.region, instance_id, cell.days_ago(profile.stopped_days_ago))
        ending = int(profile.stopped_days_ago)
        stopped_long = profile.stopped_days_ago >= 30
        cell.expect("ec2-instance-stopped", instance_id, F if stopped_long else OK, profile.scenario)
        cell.expect("ec2-instance-idle", instance_id, OK, "not running (not evaluated)")
    else:
        cell.expect("ec2-instance-stopped", instance_id, OK, "running")
        cell.expect("ec2-instance-idle", instance_id, profile.idle_verdict, profile.scenario)
        (cell.busy_instances if profile.idle_verdict is OK else cell.idle_instances).append(instance_id)
    history_days = profile.data_days
    dims = {"InstanceId": instance_id}
    if history_days:
        cell.history.add("AWS/EC2", "CPUUtilization", dims, low=profile.cpu[0], high=profile.cpu[1],
                         days=history_days, ending_days_ago=ending, unit="Percent")
        for metric in ("NetworkIn", "NetworkOut"):
            cell.history.add("AWS/EC2", metric, dims, low=profile.net_per_day[0], high=profile.net_per_day[1],
                             days=history_days, ending_days_ago=ending, unit="Bytes", per_day=True)
    root_volumes = ec2.describe_volumes(Filters=[{"Name": "attachment.instance-id", "Values": [instance_id]}])
    for volume in root_volumes["Volumes"]:
        volume_id = volume["VolumeId"]
        cell.expect("ebs-volume-unattached", volume_id, OK, "root volume (attached)")
        scenario = f"root volume of an instance {profile.scenario}"
        cell.expect("ebs-volume-idle", volume_id, profile.volume_verdict, scenario)
        # A stopped instance's volumes report nothing after the stop; a brand-new one's nothing yet.
        if history_days and (profile.volume_verdict is not ND or ending):
            for metric in ("VolumeReadOps", "VolumeWriteOps"):
                cell.history.add("AWS/EBS", metric, {"VolumeId": volume_id}, low=profile.ops_per_day[0],
                                 high=profile.ops_per_day[1], days=history_days, ending_days_ago=ending,
                                 unit="Count", per_day=True)


def seed_addresses(cell: SeedCell) -> None:
    """Elastic IPs: unassociated ones (flagged) and one on a busy instance."""
    ec2 = cell.client("ec2")
    for _ in range(cell.rng.randint(1, 2)):
        name = cell.name("eip")
        allocation = ec2.allocate_address(
            Domain="vpc", TagSpecifications=[{"ResourceType": "elastic-ip", "Tags": cell.tags(name)}]
        )
        cell.expect("eip-unassociated", allocation["AllocationId"], F, "not associated", allocation["PublicIp"])
    allocation = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(InstanceId=cell.busy_instances[0], AllocationId=allocation["AllocationId"])
    cell.expect("eip-unassociated", allocation["AllocationId"], OK, "on an instance", allocation["PublicIp"])


__all__ = ["AMI_ID", "InstanceProfile", "profiles", "seed_addresses", "seed_instances"]
