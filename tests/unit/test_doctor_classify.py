"""The doctor's reading of sts:AssumeRole failures: AWS's AccessDenied formats, and what each
means (or cannot tell apart)."""

from __future__ import annotations

import pytest

from orgsweep_local.demo.faults import access_denied_message
from orgsweep_local.doctor import AssumeAttempt, AssumeReason, Denial, diagnose, needs_second_attempt, read_denial

pytestmark = pytest.mark.unit

CALLER = "arn:aws:sts::123456789012:assumed-role/OrgSweepOperator/jane"
ROLE = "arn:aws:iam::210987654321:role/OrgSweepReadOnly"
SCP_ARN = "arn:aws:organizations::123456789012:policy/o-qv5af4abcd/service_control_policy/p-2kgnabcd"


def denied(**context: str) -> str:
    return access_denied_message(CALLER, "sts:AssumeRole", ROLE, **context)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (denied(), Denial(action="sts:AssumeRole")),
        (denied(explicit_deny_in="service control policy"),
         Denial("service control policy", explicit=True, action="sts:AssumeRole")),
        (denied(explicit_deny_in="service control policy", policy_arn=SCP_ARN),
         Denial("service control policy", explicit=True, policy_arn=SCP_ARN, action="sts:AssumeRole")),
        (denied(explicit_deny_in="resource control policy"),
         Denial("resource control policy", explicit=True, action="sts:AssumeRole")),
        (denied(explicit_deny_in="identity-based policy"),
         Denial("identity-based policy", explicit=True, action="sts:AssumeRole")),
        (denied(no_allow_in="identity-based policy"), Denial("identity-based policy", action="sts:AssumeRole")),
        (denied(no_allow_in="permissions boundary"), Denial("permissions boundary", action="sts:AssumeRole")),
        (denied(explicit_deny_in="resource-based policy"),
         Denial("resource-based policy", explicit=True, action="sts:AssumeRole")),
        # EC2 appends the encoded authorization message; the context is still read.
        ("You are not authorized to perform this operation. User: arn:aws:sts::1:assumed-role/R/s is not "
         "authorized to perform: ec2:DescribeVolumes on resource: * with an explicit deny in a service control "
         "policy. Encoded authorization failure message: XQ_jqde5",
         Denial("service control policy", explicit=True, action="ec2:DescribeVolumes")),
        ("User is not authorized to perform: sts:AssumeRole on the requested role", Denial(action="sts:AssumeRole")),
        ("Access denied", Denial()),
    ],
)
def test_read_denial(message: str, expected: Denial) -> None:
    assert read_denial(message) == expected


def diagnosed(code: str | None, message: str = "", *, external_id: str | None = None,
              second: AssumeAttempt | None = None) -> tuple[AssumeReason, str, str]:
    diagnosis = diagnose(AssumeAttempt(external_id, code, message), second=second, role_arn=ROLE, caller_arn=CALLER,
                         caller_account="123456789012", region="us-east-1")
    return diagnosis.reason, diagnosis.detail, diagnosis.fix


def test_success_throttling_region_and_other_errors() -> None:
    assert diagnosed(None)[0] is AssumeReason.OK
    reason, detail, fix = diagnosed("Throttling", "Rate exceeded")
    assert reason is AssumeReason.THROTTLED and "nothing is known about the role" in detail and "--sample" in fix
    reason, _, fix = diagnosed("RegionDisabledException", "STS is not activated in this region for account:1")
    assert reason is AssumeReason.REGION_DISABLED and "activate STS in us-east-1" in fix
    reason, detail, _ = diagnosed("ExpiredToken", "The security token included in the request is expired")
    assert reason is AssumeReason.ERROR and "ExpiredToken" in detail


def test_policy_denials_name_where_the_policy_is() -> None:
    reason, detail, fix = diagnosed("AccessDenied", denied(explicit_deny_in="service control policy",
                                                           policy_arn=SCP_ARN))
    assert reason is AssumeReason.SCP_DENIED
    assert "p-2kgnabcd" in detail and "calling account 123456789012" in detail and ROLE in fix
    reason, detail, _ = diagnosed("AccessDenied", denied(explicit_deny_in="resource control policy"))
    assert reason is AssumeReason.RCP_DENIED and "member account" in detail
    for context in ({"no_allow_in": "identity-based policy"}, {"explicit_deny_in": "permissions boundary"},
                    {"explicit_deny_in": "session policy"}):
        reason, detail, fix = diagnosed("AccessDenied", denied(**context))
        assert reason is AssumeReason.CALLER_NOT_ALLOWED and CALLER in detail and "sts:AssumeRole" in fix
    reason, detail, _ = diagnosed("AccessDenied", denied(explicit_deny_in="resource-based policy"))
    assert reason is AssumeReason.TRUST_DENIED and "role exists" in detail


def test_the_plain_denial_says_what_cannot_be_told_apart() -> None:
    reason, detail, fix = diagnosed("AccessDenied", denied())
    assert reason is AssumeReason.ROLE_OR_TRUST
    assert "does not exist" in detail and "trust policy" in detail and "external id" in detail
    assert "AWS answers all three alike" in detail and "--external-id" in fix
    # "because no resource-based policy allows" is the same ambiguity.
    assert diagnosed("AccessDenied", denied(no_allow_in="resource-based policy"))[0] is AssumeReason.ROLE_OR_TRUST


def test_a_second_attempt_without_the_external_id() -> None:
    plain = AssumeAttempt("wrong-id", "AccessDenied", denied())
    assert needs_second_attempt(plain)
    assert not needs_second_attempt(AssumeAttempt(None, "AccessDenied", denied()))  # nothing to leave out
    assert not needs_second_attempt(AssumeAttempt("x", "AccessDenied", denied(explicit_deny_in="service control "
                                                                                                "policy")))
    assert not needs_second_attempt(AssumeAttempt("x", "Throttling", "Rate exceeded"))
    assert not needs_second_attempt(AssumeAttempt("x"))
    reason, detail, fix = diagnosed("AccessDenied", denied(), external_id="wrong-id", second=AssumeAttempt(None))
    assert reason is AssumeReason.EXTERNAL_ID and "assumed without it" in detail and "external id" in fix
    reason, detail, _ = diagnosed("AccessDenied", denied(), external_id="wrong-id",
                                  second=AssumeAttempt(None, "AccessDenied", denied()))
    assert reason is AssumeReason.ROLE_OR_TRUST and "refused too" in detail and "sts:ExternalId" in detail
    _, detail, _ = diagnosed("AccessDenied", denied(), external_id="wrong-id",
                             second=AssumeAttempt(None, "Throttling", "Rate exceeded"))
    assert "inconclusive: Throttling" in detail
