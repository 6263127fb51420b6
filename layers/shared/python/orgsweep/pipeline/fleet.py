"""What a run covers: the organization's ACTIVE accounts (or a standalone account) and enabled regions.

Every listing is paginated. An OU filter includes the accounts of its child OUs at any
depth. Only explicit, checkable input mistakes (an OU or included account that does not
exist) become `InputValidationError`; AWS refusing us becomes `PlanError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from orgsweep.pipeline.exceptions import InputValidationError, PlanError

#: EC2 opt-in statuses of regions an account can use.
ENABLED_OPT_IN_STATUSES = ("opt-in-not-required", "opted-in")


@dataclass(frozen=True, slots=True)
class Account:
    account_id: str
    name: str


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> Iterator[Any]:
    for page in client.get_paginator(operation).paginate(**kwargs):
        yield from page.get(key, [])


class Organization:
    """Read-only view of AWS Organizations through one client (management or delegated admin account)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def in_use(self) -> bool:
        """False when the calling account is not in an organization (a standalone account)."""
        try:
            self.client.describe_organization()
        except ClientError as exc:
            if _code(exc) == "AWSOrganizationsNotInUseException":
                return False
            raise PlanError(f"cannot describe the organization ({_code(exc)}): {exc}") from exc
        return True

    def active_accounts(self) -> list[Account]:
        try:
            accounts = list(_pages(self.client, "list_accounts", "Accounts"))
        except ClientError as exc:
            raise PlanError(
                f"cannot list the organization's accounts ({_code(exc)}): run the plan in the management "
                f"account or a delegated administrator account for AWS Organizations. {exc}"
            ) from exc
        # `State` replaces the deprecated `Status`; accept either.
        return [
            Account(a["Id"], a.get("Name") or a["Id"])
            for a in accounts
            if (a.get("State") or a.get("Status")) == "ACTIVE"
        ]

    def account_ids_under(self, ou_id: str, field: str) -> set[str]:
        """Ids of the accounts in `ou_id` and in every OU below it."""
        found: set[str] = set()
        pending = [ou_id]
        try:
            while pending:
                parent = pending.pop()
                found.update(
                    a["Id"] for a in _pages(self.client, "list_accounts_for_parent", "Accounts", ParentId=parent)
                )
                pending.extend(
                    c["Id"]
                    for c in _pages(
                        self.client, "list_children", "Children", ParentId=parent, ChildType="ORGANIZATIONAL_UNIT"
                    )
                )
        except ClientError as exc:
            if _code(exc) in ("ParentNotFoundException", "InvalidInputException"):
                raise InputValidationError(
                    field, f"organizational unit {ou_id!r} does not exist in this organization"
                ) from exc
            raise PlanError(f"cannot list the accounts under {ou_id} ({_code(exc)}): {exc}") from exc
        return found

    def account_ids_under_all(self, ou_ids: Iterable[str], field: str) -> set[str]:
        found: set[str] = set()
        for ou_id in ou_ids:
            found |= self.account_ids_under(ou_id, field)
        return found


def standalone_account(sts_client: Any, iam_client: Any | None) -> Account:
    """The calling account; named by its IAM alias when we may read it, else by its id."""
    try:
        account_id = str(sts_client.get_caller_identity()["Account"])
    except ClientError as exc:
        raise PlanError(f"cannot identify the calling account ({_code(exc)}): {exc}") from exc
    name = account_id
    if iam_client is not None:
        try:
            aliases = iam_client.list_account_aliases().get("AccountAliases", [])
        except ClientError:
            aliases = []  # the alias is cosmetic: not being allowed to read it is fine
        if aliases:
            name = str(aliases[0])
    return Account(account_id, name)


def enabled_regions(ec2_client: Any) -> list[str]:
    """Regions enabled for the calling account (opt-in not required, or opted in), sorted."""
    try:
        response = ec2_client.describe_regions(
            AllRegions=True, Filters=[{"Name": "opt-in-status", "Values": list(ENABLED_OPT_IN_STATUSES)}]
        )
    except ClientError as exc:
        raise PlanError(f"cannot list the enabled regions ({_code(exc)}): {exc}") from exc
    # Filter again client-side: the request filter is the contract, this is cheap insurance.
    return sorted(
        r["RegionName"]
        for r in response.get("Regions", [])
        if r.get("OptInStatus", "opt-in-not-required") in ENABLED_OPT_IN_STATUSES
    )


__all__ = ["ENABLED_OPT_IN_STATUSES", "Account", "Organization", "enabled_regions", "standalone_account"]
