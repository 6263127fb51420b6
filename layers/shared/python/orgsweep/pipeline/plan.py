"""Plan a run: resolve accounts x regions into ordered cells and write the manifest.

The result is tiny whatever the fleet's size (34,000 cells is a normal large run): the
cells go to S3 (`manifests/<run_id>/cells.json`, the Distributed Map's ItemReader input)
and only their location and count travel through Step Functions.

Order of the manifest: priority cells first (accounts in `priority_accounts` or under
`priority_ous` get priority 0, the rest 1), then account name, account id, region.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from orgsweep.clock import SYSTEM_CLOCK, Clock
from orgsweep.pipeline.exceptions import InputValidationError, ManifestError, PlanError
from orgsweep.pipeline.execution_input import ExecutionInput
from orgsweep.pipeline.fleet import Account, Organization, enabled_regions, standalone_account
from orgsweep.pipeline.manifest import RunMetadata, read_run_metadata, write_manifest, write_run_metadata
from orgsweep.pipeline.types import Cell, RunSettings
from orgsweep.storage.layout import manifest_key
from orgsweep.storage.types import Storage

PRIORITY_FIRST = 0
PRIORITY_NORMAL = 1


@dataclass(frozen=True, slots=True)
class PlanClients:
    """The AWS clients planning needs (all in the hub account)."""

    organizations: Any
    ec2: Any
    sts: Any
    iam: Any | None = None

    @classmethod
    def from_session(cls, session: Any, region: str | None = None) -> PlanClients:
        from botocore.config import Config

        # Organizations allows only a few calls per second: retry throttles patiently.
        config = Config(retries={"mode": "standard", "max_attempts": 8})
        region = region or session.region_name or "us-east-1"
        return cls(
            organizations=session.client("organizations", region_name=region, config=config),
            ec2=session.client("ec2", region_name=region, config=config),
            sts=session.client("sts", region_name=region, config=config),
            iam=session.client("iam", region_name=region, config=config),
        )


@dataclass(frozen=True, slots=True)
class ManifestLocation:
    """Where the manifest is: `bucket` + full object `key` for S3 (ItemReader), else None + key."""

    bucket: str | None
    key: str
    uri: str

    @classmethod
    def of(cls, storage: Storage, key: str) -> ManifestLocation:
        bucket = getattr(storage, "bucket", None)
        prefix = str(getattr(storage, "prefix", "") or "")
        return cls(bucket=bucket, key=prefix + key if bucket else key, uri=storage.uri(key))

    def to_dict(self) -> dict[str, Any]:
        return {"bucket": self.bucket, "key": self.key, "uri": self.uri}


@dataclass(frozen=True, slots=True)
class PlanResult:
    run_id: str
    manifest: ManifestLocation
    cell_count: int
    run: RunSettings

    def to_dict(self) -> dict[str, Any]:
        """The plan Lambda's return value (docs/internals.md): small, whatever the fleet size."""
        return {
            "run_id": self.run_id,
            "manifest": self.manifest.to_dict(),
            "cell_count": self.cell_count,
            "run": self.run.to_dict(),
        }


def _check_included_exist(include: Sequence[str], known: Iterable[str], what: str) -> None:
    missing = sorted(set(include) - set(known))
    if missing:
        raise InputValidationError("accounts.include", f"{', '.join(missing)}: not {what}")


def select_accounts(execution_input: ExecutionInput, clients: PlanClients) -> list[tuple[Account, int]]:
    """The accounts to scan with their priority, after the OU filter and include/exclude."""
    org = Organization(clients.organizations)
    include, exclude = execution_input.accounts_include, set(execution_input.accounts_exclude)
    if not org.in_use():
        if execution_input.ous:
            raise InputValidationError("accounts.ous", "this account is not in an organization, so it has no OUs")
        account = standalone_account(clients.sts, clients.iam)
        _check_included_exist(include, [account.account_id], "this standalone account")
        chosen = [account] if account.account_id not in exclude else []
        return [
            (a, PRIORITY_FIRST if a.account_id in execution_input.priority_accounts else PRIORITY_NORMAL)
            for a in chosen
        ]

    accounts = org.active_accounts()
    _check_included_exist(include, [a.account_id for a in accounts], "an ACTIVE account of the organization")
    if execution_input.ous:
        under = org.account_ids_under_all(execution_input.ous, "accounts.ous")
        accounts = [a for a in accounts if a.account_id in under]
    if include:
        accounts = [a for a in accounts if a.account_id in include]
    accounts = [a for a in accounts if a.account_id not in exclude]
    first = set(execution_input.priority_accounts)
    if execution_input.priority_ous and accounts:
        first |= org.account_ids_under_all(execution_input.priority_ous, "defaults.priority_ous")
    return [(a, PRIORITY_FIRST if a.account_id in first else PRIORITY_NORMAL) for a in accounts]


def select_regions(execution_input: ExecutionInput, clients: PlanClients) -> list[str]:
    regions = list(execution_input.regions_include) or enabled_regions(clients.ec2)
    excluded = set(execution_input.regions_exclude)
    return sorted(r for r in regions if r not in excluded)


def build_cells(accounts: Iterable[tuple[Account, int]], regions: Sequence[str]) -> list[Cell]:
    """Every (account, region) pair, in manifest order."""
    ordered = sorted(accounts, key=lambda pair: (pair[1], pair[0].name, pair[0].account_id))
    ordered_regions = sorted(regions)
    return [Cell(a.account_id, a.name, region, priority) for a, priority in ordered for region in ordered_regions]


def write_plan(
    execution_input: ExecutionInput, cells: Sequence[Cell], *, storage: Storage, clock: Clock = SYSTEM_CLOCK
) -> PlanResult:
    """Write run.json and cells.json. Re-planning a run id keeps its original creation time (and `dt`)."""
    run_id = execution_input.run_id
    try:
        previous = read_run_metadata(storage, run_id)
    except ManifestError:
        previous = None  # unreadable metadata is replaced; the manifest is rewritten anyway
    created_at = previous.created_at if previous is not None else clock.now()
    write_run_metadata(storage, RunMetadata(run_id, created_at, len(cells), execution_input.to_dict()))
    write_manifest(storage, run_id, cells)
    return PlanResult(
        run_id=run_id,
        manifest=ManifestLocation.of(storage, manifest_key(run_id)),
        cell_count=len(cells),
        run=execution_input.run_settings(),
    )


def plan(
    execution_input: ExecutionInput, *, clients: PlanClients, storage: Storage, clock: Clock = SYSTEM_CLOCK
) -> PlanResult:
    """Resolve the cells of a validated input and write the manifest; nothing is written on error."""
    accounts = select_accounts(execution_input, clients)
    regions = select_regions(execution_input, clients)
    cells = build_cells(accounts, regions)
    if not cells:
        raise PlanError(
            f"the input selects no cell to scan ({len(accounts)} accounts and {len(regions)} regions "
            "left after the OU filter and include/exclude)"
        )
    return write_plan(execution_input, cells, storage=storage, clock=clock)


__all__ = [
    "PRIORITY_FIRST",
    "PRIORITY_NORMAL",
    "ManifestLocation",
    "PlanClients",
    "PlanResult",
    "build_cells",
    "plan",
    "select_accounts",
    "select_regions",
    "write_plan",
]
