"""Make the moto fleet look like a real, aged AWS fleet (demo-only; needs moto in this process).

moto stamps every resource with the wall time of its creation and models a few managed
resources loosely. A real organization has resources that were created and stopped weeks
ago, and its NAT gateway / interface endpoint network interfaces are `in-use` and
requester-managed. These helpers edit moto's in-process models to say so, which is why the
demo server runs inside this process (`orgsweep_local.demo.server`). Times are aware UTC here and
stored the way moto stores them (naive UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from orgsweep_local.demo.exceptions import SeedError


def _naive_utc(when: datetime) -> datetime:
    if when.tzinfo is None:
        raise SeedError(f"expected an aware UTC datetime, got naive {when.isoformat()}")
    return when.astimezone(UTC).replace(tzinfo=None, microsecond=0)


def _ec2(account_id: str, region: str) -> Any:
    try:
        from moto.ec2.models import ec2_backends
    except ImportError as exc:
        raise SeedError("aging the demo fleet needs moto in this process") from exc
    return ec2_backends[account_id][region]


def backdate_volume(account_id: str, region: str, volume_id: str, created: datetime) -> None:
    volume = _ec2(account_id, region).get_volume(volume_id)
    volume.create_time = _naive_utc(created)
    if volume.attachment is not None:
        volume.attachment.attach_time = _naive_utc(created)


def backdate_snapshot(account_id: str, region: str, snapshot_id: str, started: datetime) -> None:
    _ec2(account_id, region).get_snapshot(snapshot_id).start_time = _naive_utc(started)


def backdate_instance(account_id: str, region: str, instance_id: str, launched: datetime) -> None:
    """Set the launch time of an instance and of the volumes created with it."""
    backend = _ec2(account_id, region)
    instance = backend.get_instance(instance_id)
    instance.launch_time = _naive_utc(launched)
    for mapping in instance.block_device_mapping.values():
        mapping.attach_time = _naive_utc(launched)
        backdate_volume(account_id, region, mapping.volume_id, launched)


def backdate_stop(account_id: str, region: str, instance_id: str, stopped: datetime) -> None:
    """Pretend a stopped instance was stopped at `stopped` (AWS's StateTransitionReason wording)."""
    instance = _ec2(account_id, region).get_instance(instance_id)
    if instance.state != "stopped":
        raise SeedError(f"instance {instance_id} is {instance.state}, not stopped")
    instance._reason = f"User initiated ({stopped.astimezone(UTC):%Y-%m-%d %H:%M:%S} GMT)"


def mark_service_managed(account_id: str, region: str, eni_id: str, interface_type: str, description: str) -> None:
    """An ENI AWS creates for a managed service (NAT gateway, interface endpoint): in use, requester-managed."""
    eni = _ec2(account_id, region).get_network_interface(eni_id)
    eni.status = "in-use"
    eni.interface_type = interface_type
    eni.requester_managed = True
    eni.description = description


__all__ = [
    "backdate_instance",
    "backdate_snapshot",
    "backdate_stop",
    "backdate_volume",
    "mark_service_managed",
]
