"""The shape of a demo organization and what seeding it produced."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from orgsweep_local.demo.exceptions import FleetSpecError

DEFAULT_REGIONS: tuple[str, ...] = ("us-east-1", "eu-west-1", "ap-southeast-2")
_REGION_RE = re.compile(r"[a-z]{2}(-[a-z]+)+-\d", re.ASCII)

#: Member accounts of the demo organization: (name, OU path below the root). Nested OUs on purpose.
ACCOUNT_LAYOUT: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("prod-payments", ("Workloads", "Production")),
    ("prod-web", ("Workloads", "Production")),
    ("staging-platform", ("Workloads", "Staging")),
    ("dev-sandbox", ("Sandbox",)),
    ("data-analytics", ("Workloads", "Production", "Data")),
    ("shared-networking", ("Infrastructure",)),
    ("security-audit", ("Infrastructure", "Security")),
    ("dev-ml-experiments", ("Sandbox", "Research")),
)
MAX_ACCOUNTS = 50


@dataclass(frozen=True, slots=True)
class FleetSpec:
    """How big the demo organization is, and the seed that makes it reproducible.

    history_days: days of CloudWatch history behind every monitored resource (≥ 30 covers every
    check's default lookback; lambda-function-unused looks back 30 days).
    points_per_day: datapoints per metric per day ("daily-ish" samples with noise).
    """

    accounts: int = 6
    regions: tuple[str, ...] = DEFAULT_REGIONS
    seed: int = 7
    history_days: int = 31
    points_per_day: int = 3

    def __post_init__(self) -> None:
        if not 1 <= self.accounts <= MAX_ACCOUNTS:
            raise FleetSpecError(f"accounts must be between 1 and {MAX_ACCOUNTS}, got {self.accounts}")
        if not self.regions:
            raise FleetSpecError("regions must name at least one region")
        for region in self.regions:
            if not _REGION_RE.fullmatch(region):
                raise FleetSpecError(f"{region!r} is not an AWS region name (e.g. us-east-1)")
        if len(set(self.regions)) != len(self.regions):
            raise FleetSpecError(f"regions repeat a region: {', '.join(self.regions)}")
        if not 14 <= self.history_days <= 60:
            raise FleetSpecError(f"history_days must be between 14 and 60, got {self.history_days}")
        if not 1 <= self.points_per_day <= 24:
            raise FleetSpecError(f"points_per_day must be between 1 and 24, got {self.points_per_day}")

    def account_layout(self) -> list[tuple[str, tuple[str, ...]]]:
        """(name, OU path) of each member account; names get a number once the layout is used up."""
        layout = []
        for index in range(self.accounts):
            name, path = ACCOUNT_LAYOUT[index % len(ACCOUNT_LAYOUT)]
            if index >= len(ACCOUNT_LAYOUT):
                name = f"{name}-{index // len(ACCOUNT_LAYOUT) + 1}"
            layout.append((name, path))
        return layout


@dataclass(frozen=True, slots=True)
class SeededAccount:
    account_id: str
    name: str
    ou_id: str
    ou_path: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SeededFleet:
    """The organization the seeder built. `management_account_id` hosts no seeded resources."""

    endpoint_url: str
    management_account_id: str
    organization_id: str
    root_id: str
    accounts: tuple[SeededAccount, ...]
    regions: tuple[str, ...]
    ou_ids: dict[str, str] = field(default_factory=dict)  # "Workloads/Production" -> ou id

    @property
    def account_ids(self) -> list[str]:
        return [a.account_id for a in self.accounts]

    def account_name(self, account_id: str) -> str:
        for account in self.accounts:
            if account.account_id == account_id:
                return account.name
        raise KeyError(account_id)


__all__ = ["ACCOUNT_LAYOUT", "DEFAULT_REGIONS", "MAX_ACCOUNTS", "FleetSpec", "SeededAccount", "SeededFleet"]
