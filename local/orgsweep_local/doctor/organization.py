"""Who is calling, and what it may see of AWS Organizations.

Management account or delegated administrator: DescribeOrganization names the management
(master) account; when the caller is another account and ListAccounts still works, it is a
delegated administrator for AWS Organizations (only those two may list accounts). That needs
no permission beyond what a scan needs (organizations:DescribeOrganization, ListAccounts);
organizations:ListDelegatedServicesForAccount would say the same with one more permission.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from orgsweep.aws.throttling import error_code
from orgsweep.pipeline.exceptions import PlanError
from orgsweep.pipeline.fleet import Account, Organization
from orgsweep_local.doctor.assume import Caller
from orgsweep_local.doctor.types import CheckResult, Status

IDENTITY = "identity"
ORGANIZATIONS = "organizations"
NOT_IN_USE = "AWSOrganizationsNotInUseException"


@dataclass(frozen=True, slots=True)
class OrgView:
    """What the caller sees: its role in the organization and the ACTIVE accounts."""

    role: str  # management | delegated-admin | standalone
    organization_id: str | None = None
    management_account_id: str | None = None
    accounts: tuple[Account, ...] = field(default_factory=tuple)
    client: Any = None  # the Organizations client, for OU look-ups


def identify(sts: Any) -> tuple[CheckResult, Caller | None]:
    """sts:GetCallerIdentity: PASS with the caller, or FAIL (no credentials, endpoint unreachable)."""
    try:
        identity = sts.get_caller_identity()
    except NoCredentialsError:
        return CheckResult(IDENTITY, "-", Status.FAIL, "no AWS credentials found",
                           "configure credentials: --aws-profile, AWS_PROFILE or the AWS_* variables"), None
    except (ClientError, BotoCoreError) as exc:
        code = error_code(exc) or type(exc).__name__
        return CheckResult(IDENTITY, "-", Status.FAIL, f"sts:GetCallerIdentity failed: {code}: {exc}",
                           "check the credentials (expired session?) and the network path to STS",
                           data={"aws_error": {"code": code, "message": str(exc)}}), None
    caller = Caller(str(identity["Account"]), str(identity["Arn"]))
    return CheckResult(IDENTITY, caller.arn, Status.PASS, f"account {caller.account_id}",
                       data={"account_id": caller.account_id, "arn": caller.arn}), caller


def _fail(detail: str, fix: str, exc: BaseException | None = None) -> CheckResult:
    cause = exc.__cause__ if isinstance(exc, PlanError) else exc
    data = {"aws_error": {"code": error_code(cause) if cause else None, "message": str(exc)}} if exc else {}
    return CheckResult(ORGANIZATIONS, "-", Status.FAIL, detail, fix, data=data)


def organization_access(client: Any, caller: Caller) -> tuple[CheckResult, OrgView | None]:
    """PASS as management account or delegated administrator (with the ACTIVE accounts), WARN when the
    caller is in no organization (a scan covers that account alone), FAIL when it may not list accounts."""
    try:
        organization = client.describe_organization()["Organization"]
    except ClientError as exc:
        if error_code(exc) == NOT_IN_USE:
            return CheckResult(
                ORGANIZATIONS, caller.account_id, Status.WARN,
                f"account {caller.account_id} is in no organization: a scan covers this account alone",
                "run with the management account's or a delegated administrator's credentials to scan an organization",
                data={"role": "standalone"},
            ), OrgView("standalone", accounts=(Account(caller.account_id, caller.account_id),))
        return _fail(f"organizations:DescribeOrganization failed ({error_code(exc)})",
                     "allow organizations:DescribeOrganization for these credentials", exc), None
    except BotoCoreError as exc:
        return _fail(f"cannot reach AWS Organizations: {exc}", "check the network path to AWS", exc), None
    org_id, management = str(organization["Id"]), str(organization["MasterAccountId"])
    role = "management" if caller.account_id == management else "delegated-admin"
    try:
        accounts = Organization(client).active_accounts()
    except PlanError as exc:
        if role == "management":
            return _fail(f"the management account {management} may not list the accounts: {exc.__cause__}",
                         "allow organizations:ListAccounts for these credentials", exc), None
        return _fail(
            f"account {caller.account_id} is neither the management account ({management}) nor a delegated "
            "administrator for AWS Organizations: it may not list the accounts",
            "use the management account's credentials, or delegate Organizations to this account with a "
            "resource-based delegation policy (aws organizations put-resource-policy, from the management account)",
            exc,
        ), None
    how = (f"the caller's account {management} is the management account" if role == "management" else
           f"the caller's account {caller.account_id} is a delegated administrator: not the management account "
           f"({management}), yet it may list the accounts")
    view = OrgView(role, org_id, management, tuple(accounts), client)
    return CheckResult(
        ORGANIZATIONS, org_id, Status.PASS, f"{how}; {len(accounts)} ACTIVE accounts",
        data={"role": role, "organization_id": org_id, "management_account_id": management,
              "active_accounts": len(accounts)},
    ), view


__all__ = ["IDENTITY", "ORGANIZATIONS", "OrgView", "identify", "organization_access"]
