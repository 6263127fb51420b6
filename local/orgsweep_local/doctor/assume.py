"""Assume the member role in one account the way a scan cell does, and say why it failed.

The call is orgsweep.aws.sessions.assume_role_session (the regional STS endpoint, the
library's retrying client), so a pass here is the scan's own path. A plain AccessDenied sent
with an external id is retried once without it (classify.needs_second_attempt).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orgsweep.aws.exceptions import AssumeRoleError
from orgsweep.aws.sessions import assume_role_session, role_arn
from orgsweep.pipeline.fleet import Account
from orgsweep_local.doctor.classify import diagnose, needs_second_attempt
from orgsweep_local.doctor.types import AssumeAttempt, AssumeReason, CheckResult, Diagnosis, Status

CHECK = "member-role"
#: STS session name suffix: the session shows up as orgsweep-doctor in the member's CloudTrail.
SESSION_RUN_ID = "doctor"


@dataclass(frozen=True, slots=True)
class AssumeOutcome:
    """The row to report, and the member session when the role was assumed."""

    result: CheckResult
    session: Any = None


@dataclass(frozen=True, slots=True)
class Caller:
    """Who runs the doctor (sts:GetCallerIdentity)."""

    account_id: str
    arn: str


def _attempt(base_session: Any, account_id: str, role: str, region: str, external_id: str | None) -> tuple[
    AssumeAttempt, Any
]:
    try:
        session = assume_role_session(
            base_session, account_id, role, run_id=SESSION_RUN_ID, region=region, external_id=external_id
        )
    except AssumeRoleError as exc:
        return AssumeAttempt(external_id, exc.code, exc.message), None
    return AssumeAttempt(external_id), session


def subject(account: Account) -> str:
    """An account as a table subject: the id (copied by users) on its own line, then the name."""
    return account.account_id if account.name in ("", account.account_id) else f"{account.account_id}\n{account.name}"


def assume_member_role(
    base_session: Any, account: Account, *, role: str, external_id: str | None, region: str, caller: Caller
) -> AssumeOutcome:
    """Try the member role in `account`; PASS with its session, or FAIL with the diagnosis."""
    arn = role_arn(account.account_id, role)
    first, session = _attempt(base_session, account.account_id, role, region, external_id)
    second = None
    if needs_second_attempt(first):
        second, extra = _attempt(base_session, account.account_id, role, region, None)
        del extra  # assumed without the external id only to tell the cause apart; never used
    diagnosis = diagnose(
        first, second=second, role_arn=arn, caller_arn=caller.arn, caller_account=caller.account_id, region=region
    )
    return AssumeOutcome(_row(account, arn, diagnosis, first, second), session)


def _row(
    account: Account, arn: str, diagnosis: Diagnosis, first: AssumeAttempt, second: AssumeAttempt | None
) -> CheckResult:
    data: dict[str, Any] = {"role_arn": arn, "reason": str(diagnosis.reason)}
    if not first.succeeded:
        data["aws_error"] = {"code": first.code, "message": first.message}
    if second is not None:
        data["without_external_id"] = {"code": second.code, "message": second.message} if second.code else "assumed"
    if diagnosis.policy_arn:
        data["policy_arn"] = diagnosis.policy_arn
    status = Status.PASS if diagnosis.reason is AssumeReason.OK else Status.FAIL
    return CheckResult(CHECK, subject(account), status, diagnosis.detail, diagnosis.fix,
                       account_id=account.account_id, account_name=account.name, data=data)


__all__ = ["CHECK", "SESSION_RUN_ID", "AssumeOutcome", "Caller", "assume_member_role", "subject"]
