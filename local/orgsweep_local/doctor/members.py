"""The per-account checks: member role, enabled regions, and the checks' services.

Accounts are checked in parallel (a few threads: STS and EC2 rate limits are per account, the
caller's STS budget is shared). The service probes run in every account when the run was
narrowed (--sample, --account), else once, in the first account (by id) whose role passed —
the role is deployed from one template, so one account proves its policy; that account is
assumed again for the probes rather than keeping every account's session alive meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from orgsweep.clock import SYSTEM_CLOCK, Clock
from orgsweep.pipeline.fleet import Account
from orgsweep_local.doctor.assume import Caller, assume_member_role
from orgsweep_local.doctor.probes import probe_services
from orgsweep_local.doctor.regions import check_regions
from orgsweep_local.doctor.types import CheckResult, DoctorOptions

DEFAULT_WORKERS = 8


def probe_region(options: DoctorOptions, enabled: Sequence[str]) -> str:
    """Where to probe: the first requested region the account has enabled, else the home region."""
    for region in options.regions:
        if region in enabled:
            return region
    return options.home_region


def _check_account(
    session: Any, account: Account, options: DoctorOptions, caller: Caller, *, clock: Clock, probe: bool
) -> tuple[list[CheckResult], bool]:
    """This account's rows, and whether its role was assumed."""
    outcome = assume_member_role(session, account, role=options.role_name, external_id=options.external_id,
                                 region=options.home_region, caller=caller)
    rows = [outcome.result]
    if outcome.session is None:
        return rows, False
    region_row, enabled = check_regions(outcome.session, account, home_region=options.home_region,
                                        requested=options.regions)
    rows.append(region_row)
    if probe:
        rows.append(probe_services(outcome.session, account, region=probe_region(options, enabled), clock=clock))
    return rows, True


def check_members(
    session: Any,
    accounts: Sequence[Account],
    options: DoctorOptions,
    caller: Caller,
    *,
    clock: Clock = SYSTEM_CLOCK,
    workers: int = DEFAULT_WORKERS,
) -> list[CheckResult]:
    """Every account's rows, in the order of `accounts`."""
    every = options.probe_every_account
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(accounts) or 1)),
                            thread_name_prefix="orgsweep-doctor") as pool:
        checked = list(pool.map(
            lambda a: _check_account(session, a, options, caller, clock=clock, probe=every), accounts))
    rows: list[CheckResult] = []
    probed = every
    for account, (account_rows, assumed) in zip(accounts, checked, strict=True):
        rows.extend(account_rows)
        if assumed and not probed:
            probed = True
            again = assume_member_role(session, account, role=options.role_name, external_id=options.external_id,
                                       region=options.home_region, caller=caller)
            if again.session is None:
                rows.append(again.result)
                continue
            enabled = account_rows[-1].data.get("enabled", [])
            rows.append(probe_services(again.session, account, region=probe_region(options, enabled), clock=clock))
    return rows


__all__ = ["DEFAULT_WORKERS", "check_members", "probe_region"]
