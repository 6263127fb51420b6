"""Which accounts the doctor checks: the organization's ACTIVE accounts, narrowed by --account and
--ou, then an optional deterministic sample."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from orgsweep.pipeline.exceptions import PlanError
from orgsweep.pipeline.fleet import Account, Organization
from orgsweep_local.doctor.organization import OrgView
from orgsweep_local.doctor.types import CheckResult, DoctorOptions, Status

CHECK = "accounts"


def sample(accounts: Sequence[Account], size: int) -> list[Account]:
    """`size` accounts chosen by the SHA-256 of their id: spread over the organization, and the same
    ones on every run for the same set of accounts (so a fix can be re-checked on them)."""
    chosen = sorted(accounts, key=lambda a: hashlib.sha256(a.account_id.encode()).hexdigest())[:size]
    return sorted(chosen, key=lambda a: a.account_id)


def select_accounts(view: OrgView | None, options: DoctorOptions) -> tuple[list[Account], list[CheckResult]]:
    """The accounts to check (sorted by id) and the rows that explain the choice.

    Without an organization view (listing failed) the named --account ids are still checked.
    An --account that is not an ACTIVE account of the organization is a FAIL row of its own.
    Raises InputValidationError for an --ou that does not exist (bad input, like the plan step).
    """
    rows: list[CheckResult] = []
    known = {a.account_id: a for a in view.accounts} if view is not None else {}
    if view is None:
        candidates = [Account(a, a) for a in options.accounts]
    else:
        candidates = sorted(view.accounts, key=lambda a: a.account_id)
    if options.accounts and view is not None:
        for account_id in options.accounts:
            if account_id not in known:
                rows.append(CheckResult(
                    CHECK, account_id, Status.FAIL, "not an ACTIVE account of the organization",
                    "check the account id (`aws organizations list-accounts`)", account_id=account_id,
                ))
        candidates = [a for a in candidates if a.account_id in set(options.accounts)]
    if options.ous:
        if view is None or view.client is None:
            rows.append(CheckResult(CHECK, ", ".join(options.ous), Status.FAIL,
                                    "--ou needs an organization the caller may list", "see the organizations row"))
            return [], rows
        try:
            under = Organization(view.client).account_ids_under_all(options.ous, "--ou")
        except PlanError as exc:
            rows.append(CheckResult(CHECK, ", ".join(options.ous), Status.FAIL, str(exc),
                                    "allow organizations:ListChildren and ListAccountsForParent"))
            return [], rows
        candidates = [a for a in candidates if a.account_id in under]
    total = len(candidates)
    chosen = sample(candidates, options.sample) if options.sample is not None else candidates
    how = f"{len(chosen)} of {total} selected accounts"
    if options.sample is not None and options.sample < total:
        how += f" (--sample {options.sample}: chosen by a hash of the id, the same ones on every run)"
    status = Status.PASS if chosen else Status.FAIL
    detail = f"checking {how}" if chosen else "no account to check"
    fix = "" if chosen else "widen --account / --ou"
    rows.insert(0, CheckResult(CHECK, "-", status, detail, fix,
                               data={"selected": total, "checked": [a.account_id for a in chosen]}))
    return chosen, rows


__all__ = ["CHECK", "sample", "select_accounts"]
