"""The fault proxy's additions for `orgsweep doctor`: rules matched on the request body (a trust
policy's sts:ExternalId condition), AWS's AccessDenied message format, and DescribeRegions
answers that agree with the plan's disabled regions. No network."""

from __future__ import annotations

import pytest

from orgsweep_local.demo.faults import FaultInjector, FaultPlan, FaultRule, Outcome, Protocol, RequestInfo
from orgsweep_local.demo.faults import access_denied_message as message
from orgsweep_local.demo.faults.regions import apply_opt_in

pytestmark = pytest.mark.unit

ACCOUNT = "111111111111"
ASSUME = RequestInfo("sts", "us-east-1", "AKIDTEST", "AssumeRole", Protocol.QUERY, role_account=ACCOUNT)


def _form(external_id: str | None) -> bytes:
    body = "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2FR"
    return (body + (f"&ExternalId={external_id}" if external_id else "")).encode()


def test_a_rule_can_require_an_external_id_like_a_trust_condition() -> None:
    # Matched against the URL-decoded body: the client sends "right%2Fone".
    trust = FaultRule(service="sts", action="AssumeRole", account_id=ACCOUNT, body_lacks="ExternalId=right/one",
                      status=403, code="AccessDenied", message="denied")
    injector = FaultInjector(FaultPlan(rules=(trust,)))
    assert injector.decide(ASSUME, ACCOUNT, "/", _form("right%2Fone")) is None
    for refused in (_form("wrong"), _form(None)):
        decision = injector.decide(ASSUME, ACCOUNT, "/", refused)
        assert decision is not None and decision[0] is Outcome.FAILED and decision[1].code == "AccessDenied"


def test_body_contains_and_no_body_given() -> None:
    rule = FaultRule(service="sts", body_contains="ExternalId=", status=403, code="AccessDenied")
    injector = FaultInjector(FaultPlan(rules=(rule,)))
    assert injector.decide(ASSUME, ACCOUNT, "/", _form("any")) is not None
    assert injector.decide(ASSUME, ACCOUNT, "/", _form(None)) is None
    assert injector.decide(ASSUME, ACCOUNT, "/") is None  # callers that pass no body never match body rules


def test_access_denied_messages_follow_the_documented_format() -> None:
    caller, role = "arn:aws:sts::123456789012:assumed-role/Admin/me", "arn:aws:iam::111111111111:role/R"
    plain = message(caller, "sts:AssumeRole", role)
    assert plain == f"User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role}"
    scp = "arn:aws:organizations::123456789012:policy/o-abc/service_control_policy/p-1234abcd"
    assert message(caller, "sts:AssumeRole", role, explicit_deny_in="service control policy", policy_arn=scp) == (
        f"{plain} with an explicit deny in a service control policy: {scp}"
    )
    assert message(caller, "sts:AssumeRole", role, explicit_deny_in="identity-based policy").endswith(
        "with an explicit deny in an identity-based policy"
    )
    assert message(caller, "sts:AssumeRole", role, no_allow_in="identity-based policy").endswith(
        "because no identity-based policy allows the sts:AssumeRole action"
    )


REGIONS_XML = (
    b'<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>'
    b"<regionInfo><item><regionName>us-east-1</regionName><regionEndpoint>e</regionEndpoint>"
    b"<optInStatus>opt-in-not-required</optInStatus></item>"
    b"<item><regionName>eu-west-1</regionName><optInStatus>opt-in-not-required</optInStatus></item>"
    b"<item><regionName>ap-east-1</regionName></item></regionInfo></DescribeRegionsResponse>"
)


def test_describe_regions_shows_the_plans_opt_in_regions_per_account() -> None:
    rewritten = apply_opt_in(REGIONS_XML, disabled={"ap-east-1"})
    assert b"<regionName>us-east-1</regionName><regionEndpoint>e</regionEndpoint>" \
           b"<optInStatus>opt-in-not-required</optInStatus>" in rewritten
    assert b"<regionName>eu-west-1</regionName><optInStatus>opt-in-not-required</optInStatus>" in rewritten
    assert b"<regionName>ap-east-1</regionName><optInStatus>not-opted-in</optInStatus></item>" in rewritten
    enabled = apply_opt_in(REGIONS_XML, disabled=(), enabled={"ap-east-1"})
    assert b"<regionName>ap-east-1</regionName><optInStatus>opted-in</optInStatus></item>" in enabled
    assert apply_opt_in(REGIONS_XML, disabled=()) is REGIONS_XML
    plan = FaultPlan(disabled_regions=frozenset({(ACCOUNT, "me-south-1"), ("222222222222", "ap-east-1")}))
    assert FaultInjector(plan).disabled_regions_of(ACCOUNT) == {"me-south-1"}
    assert FaultInjector(plan).opt_in_regions() == {"me-south-1", "ap-east-1"}
