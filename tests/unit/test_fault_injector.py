"""The fault proxy's pure parts: plan validation, the injector's decisions, request description,
REST operation names and error rendering (parsed back by botocore's own parsers). No network."""

from __future__ import annotations

import math
from typing import Any

import pytest
from botocore.parsers import create_parser

from orgsweep_local.demo.faults import (
    ErrorReply,
    FaultInjector,
    FaultPlan,
    FaultPlanError,
    FaultProxy,
    FaultProxyError,
    FaultRule,
    Outcome,
    Protocol,
    RequestInfo,
    ThrottlePattern,
    describe,
    render,
    signing_name,
)
from orgsweep_local.demo.faults.accounts import AccountDirectory
from orgsweep_local.demo.faults.operations import rest_operation

pytestmark = pytest.mark.unit

ACCOUNT = "111111111111"
REGION = "us-east-1"


def info(
    service: str = "ec2", action: str = "DescribeVolumes", protocol: Protocol = Protocol.EC2, **kw: Any
) -> RequestInfo:
    return RequestInfo(service, kw.pop("region", REGION), "AKIDTEST", action, protocol, **kw)


def signed(service: str, region: str = REGION, **headers: str) -> dict[str, str]:
    credential = f"AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/{region}/{service}/aws4_request"
    return {"Authorization": f"{credential}, SignedHeaders=host;x-amz-date, Signature=00", **headers}


def throttled_sequence(injector: FaultInjector, n: int, request: RequestInfo | None = None) -> list[bool]:
    request = request or info()
    return [(injector.decide(request, ACCOUNT, "/") or (None,))[0] is Outcome.THROTTLED for _ in range(n)]


def longest_true_run(sequence: list[bool]) -> int:
    longest = current = 0
    for item in sequence:
        current = current + 1 if item else 0
        longest = max(longest, current)
    return longest


# -- FaultPlan validation ------------------------------------------------------------------


@pytest.mark.parametrize("fraction", [-0.1, 1.5, math.nan, math.inf])
def test_throttle_fraction_outside_unit_interval_is_refused(fraction: float) -> None:
    with pytest.raises(FaultPlanError, match=r"throttle\['ec2'\]"):
        FaultPlan(throttle={"ec2": fraction})


@pytest.mark.parametrize("seconds", [-0.001, math.inf, math.nan])
def test_negative_or_infinite_latency_is_refused(seconds: float) -> None:
    with pytest.raises(FaultPlanError, match=r"latency_s\['s3'\]"):
        FaultPlan(latency_s={"s3": seconds})


@pytest.mark.parametrize("status", [200, 302, 399, 600])
def test_fault_rule_status_must_be_an_http_error(status: int) -> None:
    with pytest.raises(FaultPlanError, match=f"status.*got {status}"):
        FaultPlan(rules=(FaultRule(status=status),))


def test_plan_error_is_a_value_error_and_bounds_are_accepted() -> None:
    assert issubclass(FaultPlanError, ValueError)
    plan = FaultPlan(throttle={"ec2": 0.0, "s3": 1.0}, latency_s={"*": 0.0}, rules=(FaultRule(status=400),))
    assert plan.rules[0].status == 400


def test_plan_normalizes_sets_and_pattern_names() -> None:
    plan = FaultPlan(
        deny={(ACCOUNT, "ec2")},  # type: ignore[arg-type]
        disabled_regions={(ACCOUNT, "ap-east-1")},  # type: ignore[arg-type]
        throttle_pattern="random",  # type: ignore[arg-type]
    )
    assert plan.deny == frozenset({(ACCOUNT, "ec2")}) and isinstance(plan.deny, frozenset)
    assert isinstance(plan.disabled_regions, frozenset)
    assert plan.throttle_pattern is ThrottlePattern.RANDOM


@pytest.mark.parametrize(
    "upstream", ["http://10.0.0.1:5000", "https://127.0.0.1:5000", "http://example.com", "ftp://localhost:21"]
)
def test_proxy_forwards_only_to_a_loopback_http_upstream(upstream: str) -> None:
    with pytest.raises(FaultProxyError, match="loopback"):
        FaultProxy(upstream)


def test_proxy_has_no_endpoint_until_started() -> None:
    proxy = FaultProxy("http://127.0.0.1:5000")
    with pytest.raises(FaultProxyError, match="not running"):
        _ = proxy.endpoint_url
    assert proxy.records() == []


# -- FaultInjector -------------------------------------------------------------------------


def test_latency_per_service_by_boto3_or_signing_name_with_wildcard_default() -> None:
    injector = FaultInjector(FaultPlan(latency_s={"ec2": 0.2, "cloudwatch": 0.1, "*": 0.05}))
    assert injector.latency_s(info("ec2")) == 0.2
    assert injector.latency_s(info("monitoring", "GetMetricData", Protocol.JSON)) == 0.1
    assert injector.latency_s(info("s3", "GetObject", Protocol.REST_XML)) == 0.05
    assert FaultInjector(FaultPlan(latency_s={"ec2": 0.2})).latency_s(info("s3", "GetObject", Protocol.REST_XML)) == 0


def test_signing_names() -> None:
    assert signing_name("cloudwatch") == "monitoring"
    assert signing_name("elbv2") == "elasticloadbalancing"
    assert signing_name("stepfunctions") == "states"
    assert signing_name("ec2") == "ec2"
    assert signing_name("*") == "*"
    assert signing_name("no-such-service") == "no-such-service"


@pytest.mark.parametrize("fraction", [0.1, 0.2, 0.25, 1 / 3, 0.5, 0.6, 0.75, 0.9])
@pytest.mark.parametrize("action", ["DescribeVolumes", "DescribeSnapshots", "DescribeAddresses"])
def test_spread_throttles_the_fraction_evenly(fraction: float, action: str) -> None:
    # Each action is its own key, with its own seeded phase.
    sequence = throttled_sequence(FaultInjector(FaultPlan(throttle={"ec2": fraction})), 120, info(action=action))
    assert sum(sequence) in (math.floor(120 * fraction), math.ceil(120 * fraction))
    assert longest_true_run(sequence) <= math.ceil(fraction / (1 - fraction))
    assert longest_true_run([not t for t in sequence]) <= math.ceil((1 - fraction) / fraction)


def test_spread_counts_each_key_apart() -> None:
    injector = FaultInjector(FaultPlan(throttle={"ec2": 0.2}))
    volumes = throttled_sequence(injector, 50, info(action="DescribeVolumes"))
    snapshots = throttled_sequence(injector, 50, info(action="DescribeSnapshots"))
    other_region = throttled_sequence(injector, 50, info(region="eu-west-1"))
    assert sum(volumes) == sum(snapshots) == sum(other_region) == 10


def test_throttle_none_and_all_and_other_services() -> None:
    assert not any(throttled_sequence(FaultInjector(FaultPlan(throttle={"ec2": 0.0})), 20))
    assert all(throttled_sequence(FaultInjector(FaultPlan(throttle={"ec2": 1.0})), 20))
    assert not any(throttled_sequence(FaultInjector(FaultPlan(throttle={"s3": 1.0})), 20))
    assert all(throttled_sequence(FaultInjector(FaultPlan(throttle={"*": 1.0})), 20))
    cloudwatch = info("monitoring", "GetMetricData", Protocol.JSON)
    assert all(throttled_sequence(FaultInjector(FaultPlan(throttle={"cloudwatch": 1.0})), 5, cloudwatch))


def test_random_pattern_depends_only_on_the_seed() -> None:
    def plan(seed: int) -> FaultPlan:
        return FaultPlan(throttle={"ec2": 0.5}, throttle_pattern=ThrottlePattern.RANDOM, seed=seed)

    first = throttled_sequence(FaultInjector(plan(1)), 64)
    assert throttled_sequence(FaultInjector(plan(1)), 64) == first
    assert throttled_sequence(FaultInjector(plan(2)), 64) != first
    assert 0 < sum(first) < 64


def test_the_throttling_error_is_the_services_own() -> None:
    injector = FaultInjector(FaultPlan(throttle={"*": 1.0}))
    cases = {
        info("ec2"): ErrorReply(503, "RequestLimitExceeded", "Request limit exceeded."),
        info("monitoring", "ListMetrics", Protocol.QUERY): ErrorReply(400, "Throttling", "Rate exceeded"),
        info("s3", "GetObject", Protocol.REST_XML): ErrorReply(503, "SlowDown", "Please reduce your request rate."),
        info("lambda", "ListFunctions", Protocol.REST_JSON): ErrorReply(
            429, "TooManyRequestsException", "Rate exceeded"
        ),
        info("states", "ListStateMachines", Protocol.JSON): ErrorReply(400, "ThrottlingException", "Rate exceeded"),
        info("rds", "DescribeDBInstances", Protocol.QUERY): ErrorReply(400, "Throttling", "Rate exceeded"),
    }
    for request, reply in cases.items():
        assert injector.decide(request, ACCOUNT, "/") == (Outcome.THROTTLED, reply)


def test_refusals_in_aws_order_region_then_denial_then_rules_then_throttling() -> None:
    rule = FaultRule(service="ec2", status=500)
    everything = FaultPlan(
        throttle={"ec2": 1.0},
        deny=frozenset({(ACCOUNT, "ec2")}),
        disabled_regions=frozenset({(ACCOUNT, REGION)}),
        rules=(rule,),
    )
    request = info()
    assert FaultInjector(everything).decide(request, ACCOUNT, "/") == (
        Outcome.REGION_DISABLED,
        ErrorReply(401, "AuthFailure", "AWS was not able to validate the provided access credentials"),
    )
    no_region = FaultPlan(throttle={"ec2": 1.0}, deny=everything.deny, rules=(rule,))
    assert FaultInjector(no_region).decide(request, ACCOUNT, "/") == (
        Outcome.DENIED,
        ErrorReply(403, "UnauthorizedOperation", "You are not authorized to perform: ec2:DescribeVolumes"),
    )
    only_rule_and_throttle = FaultPlan(throttle={"ec2": 1.0}, rules=(rule,))
    decision = FaultInjector(only_rule_and_throttle).decide(request, ACCOUNT, "/")
    assert decision is not None and decision[0] is Outcome.FAILED
    assert FaultInjector(FaultPlan()).decide(request, ACCOUNT, "/") is None
    assert FaultInjector(everything).decide(request, "999999999999", "/") == (
        Outcome.FAILED,
        ErrorReply(500, "InternalError", "We encountered an internal error. Please try again."),
    )


def test_deny_any_service_and_the_assume_role_message() -> None:
    injector = FaultInjector(FaultPlan(deny=frozenset({(ACCOUNT, "*")})))
    decision = injector.decide(info("sts", "AssumeRole", Protocol.QUERY), ACCOUNT, "/")
    assert decision == (
        Outcome.DENIED,
        ErrorReply(403, "AccessDenied", "User is not authorized to perform: sts:AssumeRole on the requested role"),
    )
    assert injector.decide(info(), "222222222222", "/") is None


def test_disabled_region_answers_per_protocol_and_for_assume_role() -> None:
    injector = FaultInjector(FaultPlan(disabled_regions=frozenset({(ACCOUNT, "ap-east-1")})))
    codes = {
        info("sts", "AssumeRole", Protocol.QUERY, region="ap-east-1"): (403, "RegionDisabledException"),
        info("ec2", region="ap-east-1"): (401, "AuthFailure"),
        info("rds", "DescribeDBInstances", Protocol.QUERY, region="ap-east-1"): (403, "InvalidClientTokenId"),
        info("s3", "ListBuckets", Protocol.REST_XML, region="ap-east-1"): (403, "InvalidAccessKeyId"),
        info("lambda", "ListFunctions", Protocol.REST_JSON, region="ap-east-1"): (403, "UnrecognizedClientException"),
    }
    for request, (status, code) in codes.items():
        decision = injector.decide(request, ACCOUNT, "/")
        assert decision is not None and decision[0] is Outcome.REGION_DISABLED
        assert (decision[1].status, decision[1].code) == (status, code)
    assert injector.decide(info("ec2", region="us-east-1"), ACCOUNT, "/") is None


def test_fault_rule_matches_every_given_field_and_stops_after_times() -> None:
    rule = FaultRule(service="s3", action="PutObject", account_id=ACCOUNT, path_contains="reports/", times=2)
    injector = FaultInjector(FaultPlan(rules=(rule,)))
    put = info("s3", "PutObject", Protocol.REST_XML)
    assert injector.decide(info("s3", "GetObject", Protocol.REST_XML), ACCOUNT, "/b/reports/x") is None
    assert injector.decide(put, "222222222222", "/b/reports/x") is None
    assert injector.decide(put, ACCOUNT, "/b/other/x") is None
    assert [injector.decide(put, ACCOUNT, "/b/reports/x") is not None for _ in range(4)] == [True, True, False, False]


def test_fault_rule_service_by_boto3_name() -> None:
    rule = FaultRule(service="cloudwatch", code="ServiceUnavailable", status=503)
    decision = FaultInjector(FaultPlan(rules=(rule,))).decide(
        info("monitoring", "GetMetricData", Protocol.JSON), ACCOUNT, "/"
    )
    assert decision is not None and decision[1].code == "ServiceUnavailable"


# -- describe() and REST operations --------------------------------------------------------


def test_unsigned_requests_are_not_described() -> None:
    assert describe("GET", "/moto-api/data.json", {"Host": "127.0.0.1"}, b"") is None


def test_describe_query_and_ec2_requests() -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    ec2 = describe("POST", "/", signed("ec2", "eu-west-1", **form), b"Action=DescribeVolumes&Version=2016-11-15")
    assert ec2 == RequestInfo("ec2", "eu-west-1", "AKIDTEST", "DescribeVolumes", Protocol.EC2)
    body = b"Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2FAuditor&RoleSessionName=s"
    sts = describe("POST", "/", signed("sts", **form), body)
    assert sts == RequestInfo("sts", REGION, "AKIDTEST", "AssumeRole", Protocol.QUERY, ACCOUNT)
    assert sts.is_assume_role


def test_describe_json_and_cbor_requests() -> None:
    headers = signed("monitoring", **{"X-Amz-Target": "GraniteServiceVersion20100801.GetMetricData"})
    json_request = describe("POST", "/", headers, b"{}")
    assert json_request is not None and (json_request.action, json_request.protocol) == ("GetMetricData", Protocol.JSON)
    cbor_headers = signed("monitoring", **{"smithy-protocol": "rpc-v2-cbor"})
    cbor = describe("POST", "/service/GraniteServiceVersion20100801/operation/ListMetrics", cbor_headers, b"\xa0")
    assert cbor is not None and (cbor.action, cbor.protocol) == ("ListMetrics", Protocol.CBOR)


@pytest.mark.parametrize(
    ("service", "request_line", "extra", "action"),
    [
        ("lambda", "GET /2015-03-31/functions/", {}, "ListFunctions"),
        ("lambda", "GET /2015-03-31/functions/fn-1", {}, "GetFunction"),
        ("eks", "GET /clusters", {}, "ListClusters"),
        ("s3", "GET /bucket?list-type=2", {}, "ListObjectsV2"),
        ("s3", "GET /bucket", {}, "ListObjects"),
        ("s3", "PUT /bucket/a/b%20c.txt", {}, "PutObject"),
        ("s3", "PUT /bucket/b.txt", {"x-amz-copy-source": "bucket/a.txt"}, "CopyObject"),
        ("s3", "GET /bucket/a.txt", {}, "GetObject"),
        ("s3", "HEAD /bucket/a.txt", {}, "HeadObject"),
        ("s3", "GET /", {}, "ListBuckets"),
    ],
)
def test_describe_rest_requests_by_model_route(
    service: str, request_line: str, extra: dict[str, str], action: str
) -> None:
    method, target = request_line.split(" ", 1)
    described = describe(method, target, signed(service, **extra), b"")
    protocol = Protocol.REST_XML if service == "s3" else Protocol.REST_JSON
    assert described is not None
    assert (described.service, described.action, described.protocol) == (service, action, protocol)


def test_unknown_rest_route_is_named_by_method_and_path() -> None:
    assert rest_operation("lambda", "GET", "/no/such/route", "") is None
    described = describe("GET", "/no/such/route", signed("lambda"), b"")
    assert described is not None and described.action == "GET /no/such/route"


# -- rendering: botocore's parsers read back the code and message --------------------------

_BOTOCORE_PROTOCOL = {
    Protocol.EC2: "ec2",
    Protocol.QUERY: "query",
    Protocol.JSON: "json",
    Protocol.REST_JSON: "rest-json",
    Protocol.REST_XML: "rest-xml",
    Protocol.CBOR: "smithy-rpc-v2-cbor",
}


@pytest.mark.parametrize("protocol", list(Protocol))
@pytest.mark.parametrize("message", ["Rate exceeded", "a <tag> & " + "long message " * 30])
def test_render_parses_back_in_every_protocol(protocol: Protocol, message: str) -> None:
    reply = ErrorReply(400, "ThrottlingException", message)
    headers, body = render(reply, protocol)
    parsed = create_parser(_BOTOCORE_PROTOCOL[protocol]).parse(
        {"status_code": reply.status, "headers": headers, "body": body}, None
    )
    assert (parsed["Error"]["Code"], parsed["Error"]["Message"]) == (reply.code, message)


# -- accounts ------------------------------------------------------------------------------


def test_account_directory_learns_issued_keys_and_defaults_the_rest() -> None:
    directory = AccountDirectory("123456789012")
    answer = b"<AssumeRoleResult><Credentials><AccessKeyId>ASIAEXAMPLEKEY000001</AccessKeyId></Credentials>"
    directory.learn(ACCOUNT, answer)
    assert directory.account_of("ASIAEXAMPLEKEY000001") == ACCOUNT
    assert directory.account_of("ASIAUNKNOWNKEY000001") == "123456789012"
    directory.learn("222222222222", b"<Error>no key here</Error>")
    assert directory.account_of("ASIAEXAMPLEKEY000001") == ACCOUNT
