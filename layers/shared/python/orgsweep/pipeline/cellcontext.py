"""The CheckContext a check sees inside one cell: who, where, when, and the cell's clients."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

#: Region name prefixes of the non-commercial partitions (everything else is "aws").
_PARTITION_PREFIXES = (
    ("us-gov-", "aws-us-gov"),
    ("cn-", "aws-cn"),
    ("us-isob-", "aws-iso-b"),
    ("us-iso-", "aws-iso"),
    ("eu-isoe-", "aws-iso-e"),
    ("us-isof-", "aws-iso-f"),
)


def partition_for_region(region: str) -> str:
    """The AWS partition a region belongs to (for ARNs and the role to assume)."""
    for prefix, partition in _PARTITION_PREFIXES:
        if region.startswith(prefix):
            return partition
    return "aws"


class RegionalClients(Protocol):
    """What the context needs from orgsweep.aws.ClientFactory."""

    def client(self, service: str, region: str) -> Any: ...


@dataclass(frozen=True, slots=True)
class CellContext:
    """orgsweep.checks.CheckContext for one (account, region) cell.

    `client(service)` returns the cell's shared client: one rate limiter, one connection pool
    and one set of call counters for every check of the cell.
    """

    account_id: str
    region: str
    partition: str
    now: datetime
    clients: RegionalClients

    def client(self, service: str) -> Any:
        return self.clients.client(service, self.region)


__all__ = ["CellContext", "RegionalClients", "partition_for_region"]
