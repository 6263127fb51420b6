"""Why sts:AssumeRole into a member account failed, told apart only as far as AWS tells it.

AWS's answer                                                  -> reason
- a throttling code (Throttling, ...) after the client's retries -> throttled
- RegionDisabledException                                     -> region_disabled
- AccessDenied "... with an explicit deny in a service control policy"
                                                              -> scp_denied: an SCP on the caller's
                                                                 account (SCPs never apply across accounts)
- AccessDenied "... with an explicit deny in a resource control policy"
                                                              -> rcp_denied: an RCP on the member account
- AccessDenied naming an identity-based policy, a permissions boundary or a session policy
                                                              -> caller_not_allowed
- AccessDenied "... with an explicit deny in a resource-based policy"
                                                              -> trust_denied: a Deny in the trust, so the
                                                                 role exists
- AccessDenied plain, or "because no resource-based policy allows ..."
                                                              -> role_or_trust: the role is missing, its trust
                                                                 does not allow the caller, or the external id
                                                                 does not match; AWS answers all alike
- that plain AccessDenied sent with --external-id, when a second attempt without it succeeds
                                                              -> external_id
- anything else (expired token, endpoint unreachable, ...)    -> error
"""

from __future__ import annotations

from orgsweep.aws.throttling import is_access_denied_error, is_throttling_error
from orgsweep_local.doctor.denials import describe_denial, policy_id, read_denial
from orgsweep_local.doctor.types import AssumeAttempt, AssumeReason, Diagnosis

REGION_DISABLED_CODE = "RegionDisabledException"
_CALLER_POLICY_TYPES = frozenset({"identity-based policy", "permissions boundary", "session policy"})
_MEMBER_ROLE_DOCS = "docs/deploy.md §3"


def needs_second_attempt(first: AssumeAttempt) -> bool:
    """Only the plain AccessDenied sent with an external id can be narrowed down by retrying without it."""
    if first.succeeded or first.external_id is None or not is_access_denied_error(first.code):
        return False
    denial = read_denial(first.message)
    return denial.policy_type is None or (denial.policy_type == "resource-based policy" and not denial.explicit)


def diagnose(
    first: AssumeAttempt,
    *,
    role_arn: str,
    caller_arn: str,
    caller_account: str,
    region: str,
    second: AssumeAttempt | None = None,
) -> Diagnosis:
    """Classify the first attempt (and, for a plain AccessDenied with an external id, the second without it)."""
    if first.succeeded:
        return Diagnosis(AssumeReason.OK, f"assumed {role_arn}")
    code = first.code or "Unknown"
    if is_throttling_error(code):
        return Diagnosis(
            AssumeReason.THROTTLED,
            f"STS kept throttling sts:AssumeRole ({code}) through the retries: nothing is known about the role",
            "rerun later, or check fewer accounts at once (--sample N)",
        )
    if code == REGION_DISABLED_CODE:
        return Diagnosis(
            AssumeReason.REGION_DISABLED,
            f"STS is not activated in {region} ({code})",
            f"activate STS in {region} (IAM console → Account settings), or run from another region (AWS_REGION)",
        )
    if not is_access_denied_error(code):
        return Diagnosis(AssumeReason.ERROR, f"sts:AssumeRole failed: {code}: {first.message}",
                         "see the AWS error; check the credentials and the network path to STS")
    return _denied(first, second, role_arn=role_arn, caller_arn=caller_arn, caller_account=caller_account)


def _denied(
    first: AssumeAttempt, second: AssumeAttempt | None, *, role_arn: str, caller_arn: str, caller_account: str
) -> Diagnosis:
    denial = read_denial(first.message)
    named = policy_id(denial.policy_arn)
    policy = f" ({named})" if named else ""
    if denial.policy_type == "service control policy":
        return Diagnosis(
            AssumeReason.SCP_DENIED,
            f"denied by {describe_denial(denial)}: an SCP on the calling account {caller_account} "
            "(or an OU above it) denies sts:AssumeRole",
            f"let {caller_arn} call sts:AssumeRole on {role_arn} in that SCP{policy}: AWS Organizations → Policies",
            denial.policy_arn,
        )
    if denial.policy_type == "resource control policy":
        return Diagnosis(
            AssumeReason.RCP_DENIED,
            f"denied by {describe_denial(denial)}: an RCP on the member account denies assuming its roles",
            f"exempt {caller_arn} (or the hub account) from that RCP{policy}",
            denial.policy_arn,
        )
    if denial.policy_type in _CALLER_POLICY_TYPES:
        return Diagnosis(
            AssumeReason.CALLER_NOT_ALLOWED,
            f"your credentials may not assume it: {describe_denial(denial)} of {caller_arn}",
            f"allow sts:AssumeRole on {role_arn} (or arn:aws:iam::*:role/<name>) in the {denial.policy_type}"
            f"{policy} of {caller_arn}",
            denial.policy_arn,
        )
    if denial.policy_type == "resource-based policy" and denial.explicit:
        return Diagnosis(
            AssumeReason.TRUST_DENIED,
            "the role exists, but its trust policy explicitly denies this caller",
            f"remove the Deny for {caller_arn} from the trust policy of {role_arn}",
        )
    return _role_or_trust(first, second, role_arn=role_arn, caller_arn=caller_arn)


def _role_or_trust(
    first: AssumeAttempt, second: AssumeAttempt | None, *, role_arn: str, caller_arn: str
) -> Diagnosis:
    deploy = (f"deploy the member role to this account ({_MEMBER_ROLE_DOCS}); its trust must allow {caller_arn} "
              "(`orgsweep member-role-policy --trust HUB_ACCOUNT_ID` prints one)")
    if first.external_id is None:
        return Diagnosis(
            AssumeReason.ROLE_OR_TRUST,
            "AccessDenied without a reason: the role does not exist, its trust policy does not allow this "
            "caller, or it requires an external id — AWS answers all three alike",
            deploy + "; if the trust requires an sts:ExternalId, pass --external-id",
        )
    if second is not None and second.succeeded:
        return Diagnosis(
            AssumeReason.EXTERNAL_ID,
            "refused with the external id, assumed without it: the trust policy rejects this external id",
            "pass the external id the trust policy expects (cdk.json external_id), or none",
        )
    tried = ""
    if second is not None:
        tried = " (a second attempt without the external id was " + (
            "refused too)" if is_access_denied_error(second.code) else f"inconclusive: {second.code})")
    return Diagnosis(
        AssumeReason.ROLE_OR_TRUST,
        "AccessDenied without a reason: the role does not exist, its trust policy does not allow this caller, "
        f"or its sts:ExternalId condition does not match --external-id{tried} — AWS answers all three alike",
        deploy + " and match --external-id to its sts:ExternalId condition",
    )


__all__ = ["REGION_DISABLED_CODE", "diagnose", "needs_second_attempt"]
