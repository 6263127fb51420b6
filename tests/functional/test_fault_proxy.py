"""The fault proxy over real HTTP: boto3 clients -> FaultProxy -> the demo's moto server.

Every fault must reach botocore as the real service's error (code, HTTP status, wire
protocol), so that its parsers and its standard retry treat it as they would treat AWS.
"""

from __future__ import annotations

import contextlib
import random
import socket
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import botocore.model
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.retries.standard import RetryContext, ThrottlingErrorDetector

from orgsweep.aws import is_throttling_error
from orgsweep_local.demo import HUB_ACCOUNT_ID, DemoServer
from orgsweep_local.demo.faults import FaultPlan, FaultProxy, FaultRule, Outcome, RequestRecord, ThrottlePattern
from tests.functional.aws_fakes import zero_backoff

pytestmark = [pytest.mark.functional, pytest.mark.timeout(120)]

REGION = "us-east-1"
MEMBER = "111111111111"
OTHER_MEMBER = "222222222222"
THIRD_MEMBER = "333333333333"


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer() as demo:
        yield demo


@pytest.fixture
def proxy(server: DemoServer) -> Iterator[FaultProxy]:
    with FaultProxy(server.endpoint_url) as fault_proxy:
        yield fault_proxy


@pytest.fixture
def retry_delays(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """botocore's standard retry, without its backoff sleeps: one entry per retry it decided on."""
    return zero_backoff(monkeypatch)


def client(session: boto3.Session, service: str, proxy: FaultProxy, *, attempts: int = 1, region: str = REGION) -> Any:
    config = Config(retries={"total_max_attempts": attempts, "mode": "standard"})
    return session.client(service, region_name=region, endpoint_url=proxy.endpoint_url, config=config)


def error_of(call: Callable[[], object]) -> tuple[str, int]:
    """The error code and HTTP status of the ClientError `call` raises."""
    with pytest.raises(ClientError) as raised:
        call()
    response = raised.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def assume(session: boto3.Session, proxy: FaultProxy, account_id: str, *, region: str = REGION) -> boto3.Session:
    """A session of `account_id`, from sts:AssumeRole through the proxy (moto lets any role be assumed)."""
    sts = client(session, "sts", proxy, region=region)
    role_arn = f"arn:aws:iam::{account_id}:role/Auditor"
    credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="fault-proxy-test")["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=region,
    )


def outcomes(proxy: FaultProxy) -> list[Outcome]:
    return [record.outcome for record in proxy.records()]


def longest_run(sequence: list[Outcome], outcome: Outcome) -> int:
    longest = current = 0
    for item in sequence:
        current = current + 1 if item is outcome else 0
        longest = max(longest, current)
    return longest


def botocore_sees_throttling(api_client: Any, operation: str, response: dict[str, Any]) -> bool:
    """botocore's own verdict (the detector its adaptive retry mode uses) on an error response."""
    operation_model = api_client.meta.service_model.operation_model(operation)
    context = RetryContext(attempt_number=1, operation_model=operation_model, parsed_response=response)
    return bool(ThrottlingErrorDetector(None).is_throttling_error_from_context(context))


@dataclass(frozen=True)
class Throttle:
    service: str  # boto3 name
    signing: str  # SigV4 signing name, as records carry it
    operation: str  # one that moto answers with 200
    code: str
    status: int


THROTTLES = [
    Throttle("ec2", "ec2", "DescribeVolumes", "RequestLimitExceeded", 503),
    Throttle("cloudwatch", "monitoring", "ListMetrics", "Throttling", 400),
    Throttle("stepfunctions", "states", "ListStateMachines", "ThrottlingException", 400),
    Throttle("organizations", "organizations", "DescribeOrganization", "TooManyRequestsException", 400),
    Throttle("s3", "s3", "ListBuckets", "SlowDown", 503),
    Throttle("lambda", "lambda", "ListFunctions", "TooManyRequestsException", 429),
    Throttle("eks", "eks", "ListClusters", "ThrottlingException", 429),
    Throttle("elbv2", "elasticloadbalancing", "DescribeLoadBalancers", "Throttling", 400),
    Throttle("rds", "rds", "DescribeDBInstances", "Throttling", 400),
    Throttle("sts", "sts", "GetCallerIdentity", "Throttling", 400),
]


@pytest.mark.parametrize("case", THROTTLES, ids=[case.service for case in THROTTLES])
def test_throttling_is_the_services_real_error(server: DemoServer, proxy: FaultProxy, case: Throttle) -> None:
    proxy.configure(FaultPlan(throttle={case.service: 1.0}))
    api = client(server.session(), case.service, proxy)
    with pytest.raises(ClientError) as raised:
        getattr(api, xform_name(case.operation))()
    response = raised.value.response
    assert (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]) == (case.code, case.status)
    assert botocore_sees_throttling(api, case.operation, response)
    assert is_throttling_error(response["Error"]["Code"])
    expected = RequestRecord(HUB_ACCOUNT_ID, REGION, case.signing, case.operation, Outcome.THROTTLED, case.status)
    assert proxy.records() == [expected]


@pytest.mark.parametrize("case", THROTTLES, ids=[case.service for case in THROTTLES])
def test_standard_retry_gets_through_half_throttling(
    server: DemoServer, proxy: FaultProxy, retry_delays: list[float], case: Throttle
) -> None:
    if case.service == "organizations":  # DescribeOrganization answers 200 only inside an organization
        ensure_organization(server)
    proxy.configure(FaultPlan(throttle={case.service: 0.5}))
    api = client(server.session(), case.service, proxy, attempts=3)
    # Spread at 1/2 alternates; two calls meet at least one throttle whatever the key's phase.
    retries = [getattr(api, xform_name(case.operation))()["ResponseMetadata"]["RetryAttempts"] for _ in range(2)]
    throttled = outcomes(proxy).count(Outcome.THROTTLED)
    assert sum(retries) == throttled == len(retry_delays) >= 1
    assert max(retries) == 1
    assert Counter(outcomes(proxy)) == Counter({Outcome.FORWARDED: 2, Outcome.THROTTLED: throttled})
    assert {(r.service, r.action) for r in proxy.records()} == {(case.signing, case.operation)}


def ensure_organization(server: DemoServer) -> None:
    organizations = server.session().client("organizations", endpoint_url=server.endpoint_url)
    with contextlib.suppress(organizations.exceptions.AlreadyInOrganizationException):
        organizations.create_organization(FeatureSet="ALL")


@pytest.mark.parametrize("protocol", ["json", "query", "smithy-rpc-v2-cbor"])
def test_cloudwatch_throttling_in_the_protocol_the_client_chose(
    server: DemoServer, proxy: FaultProxy, retry_delays: list[float], monkeypatch: pytest.MonkeyPatch, protocol: str
) -> None:
    # botocore picks the first protocol of its priority list that CloudWatch offers (json in 1.44);
    # putting another first makes a new session's clients speak it.
    priority = (protocol, *botocore.model.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS)
    monkeypatch.setattr(botocore.model, "PRIORITY_ORDERED_SUPPORTED_PROTOCOLS", priority)
    proxy.configure(FaultPlan(throttle={"cloudwatch": 1.0}))
    cloudwatch = client(server.session(), "cloudwatch", proxy, attempts=3)
    assert cloudwatch.meta.service_model.resolved_protocol == protocol
    with pytest.raises(ClientError) as raised:
        cloudwatch.list_metrics()
    response = raised.value.response
    assert (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]) == ("Throttling", 400)
    assert response["ResponseMetadata"]["RetryAttempts"] == 2 == len(retry_delays)
    assert botocore_sees_throttling(cloudwatch, "ListMetrics", response)
    assert outcomes(proxy) == [Outcome.THROTTLED] * 3
    if protocol != "smithy-rpc-v2-cbor":  # moto 5.2 does not route CBOR requests (it answers 404)
        proxy.configure(FaultPlan())
        assert cloudwatch.list_metrics()["Metrics"] == []


@pytest.mark.parametrize(("fraction", "throttled", "longest"), [(0.2, 10, 1), (0.6, 30, 2)])
def test_spread_throttles_exactly_the_fraction_evenly(
    server: DemoServer, proxy: FaultProxy, fraction: float, throttled: int, longest: int
) -> None:
    proxy.configure(FaultPlan(throttle={"ec2": fraction}))
    ec2 = client(server.session(), "ec2", proxy)
    errors = 0
    for _ in range(50):
        try:
            ec2.describe_volumes()
        except ClientError as exc:
            assert exc.response["Error"]["Code"] == "RequestLimitExceeded"
            errors += 1
    sequence = outcomes(proxy)
    assert sequence.count(Outcome.THROTTLED) == throttled == errors
    assert sequence.count(Outcome.FORWARDED) == 50 - throttled
    assert longest_run(sequence, Outcome.THROTTLED) == longest


def test_random_pattern_is_reproducible_per_seed(server: DemoServer, proxy: FaultProxy) -> None:
    ec2 = client(server.session(), "ec2", proxy)

    def sequence(seed: int) -> list[Outcome]:
        proxy.configure(FaultPlan(throttle={"ec2": 0.5}, throttle_pattern=ThrottlePattern.RANDOM, seed=seed))
        proxy.clear_records()
        for _ in range(30):
            with contextlib.suppress(ClientError):
                ec2.describe_volumes()
        return outcomes(proxy)

    first = sequence(7)
    assert len(first) == 30
    assert set(first) == {Outcome.THROTTLED, Outcome.FORWARDED}
    assert sequence(7) == first
    assert sequence(8) != first


def test_assumed_role_calls_are_recorded_under_the_roles_account(server: DemoServer, proxy: FaultProxy) -> None:
    member = assume(server.session(), proxy, MEMBER)
    assert client(member, "sts", proxy).get_caller_identity()["Account"] == MEMBER  # moto agrees
    client(member, "ec2", proxy).describe_volumes()
    client(server.session(), "ec2", proxy).describe_volumes()
    assert [(r.account_id, r.service, r.action, r.outcome) for r in proxy.records()] == [
        (MEMBER, "sts", "AssumeRole", Outcome.FORWARDED),
        (MEMBER, "sts", "GetCallerIdentity", Outcome.FORWARDED),
        (MEMBER, "ec2", "DescribeVolumes", Outcome.FORWARDED),
        (HUB_ACCOUNT_ID, "ec2", "DescribeVolumes", Outcome.FORWARDED),
    ]


def test_deny_refuses_only_the_account_and_service_pair(server: DemoServer, proxy: FaultProxy) -> None:
    hub = server.session()
    proxy.configure(FaultPlan(deny=frozenset({(MEMBER, "ec2"), (OTHER_MEMBER, "sts")})))
    member = assume(hub, proxy, MEMBER)
    assert error_of(client(member, "ec2", proxy).describe_volumes) == ("UnauthorizedOperation", 403)
    assert client(member, "elbv2", proxy).describe_load_balancers()["LoadBalancers"] == []
    assert client(hub, "ec2", proxy).describe_volumes()["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert error_of(lambda: assume(hub, proxy, OTHER_MEMBER)) == ("AccessDenied", 403)
    assume(hub, proxy, THIRD_MEMBER)
    assert [(r.account_id, r.service, r.action, r.outcome, r.status) for r in proxy.records()] == [
        (MEMBER, "sts", "AssumeRole", Outcome.FORWARDED, 200),
        (MEMBER, "ec2", "DescribeVolumes", Outcome.DENIED, 403),
        (MEMBER, "elasticloadbalancing", "DescribeLoadBalancers", Outcome.FORWARDED, 200),
        (HUB_ACCOUNT_ID, "ec2", "DescribeVolumes", Outcome.FORWARDED, 200),
        (OTHER_MEMBER, "sts", "AssumeRole", Outcome.DENIED, 403),
        (THIRD_MEMBER, "sts", "AssumeRole", Outcome.FORWARDED, 200),
    ]


def test_disabled_region_fails_the_accounts_calls_there_as_aws_does(server: DemoServer, proxy: FaultProxy) -> None:
    hub = server.session()
    off = "ap-east-1"
    proxy.configure(FaultPlan(disabled_regions=frozenset({(MEMBER, off)})))
    with pytest.raises(ClientError) as raised:
        assume(hub, proxy, MEMBER, region=off)
    assert raised.value.response["Error"]["Code"] == "RegionDisabledException"
    assert f"account:{MEMBER}" in raised.value.response["Error"]["Message"]
    member = assume(hub, proxy, MEMBER)  # us-east-1 STS: fine
    assert error_of(client(member, "ec2", proxy, region=off).describe_volumes) == ("AuthFailure", 401)
    assert error_of(client(member, "elbv2", proxy, region=off).describe_load_balancers) == ("InvalidClientTokenId", 403)
    client(member, "elbv2", proxy, region="us-west-2").describe_load_balancers()
    client(hub, "ec2", proxy, region=off).describe_volumes()
    assume(hub, proxy, OTHER_MEMBER, region=off)
    assert [(r.account_id, r.region, r.action, r.outcome, r.status) for r in proxy.records()] == [
        (MEMBER, off, "AssumeRole", Outcome.REGION_DISABLED, 403),
        (MEMBER, REGION, "AssumeRole", Outcome.FORWARDED, 200),
        (MEMBER, off, "DescribeVolumes", Outcome.REGION_DISABLED, 401),
        (MEMBER, off, "DescribeLoadBalancers", Outcome.REGION_DISABLED, 403),
        (MEMBER, "us-west-2", "DescribeLoadBalancers", Outcome.FORWARDED, 200),
        (HUB_ACCOUNT_ID, off, "DescribeVolumes", Outcome.FORWARDED, 200),
        (OTHER_MEMBER, off, "AssumeRole", Outcome.FORWARDED, 200),
    ]


def test_latency_delays_the_services_calls(server: DemoServer, proxy: FaultProxy) -> None:
    proxy.configure(FaultPlan(latency_s={"ec2": 0.2}))
    ec2 = client(server.session(), "ec2", proxy)
    started = time.monotonic()
    ec2.describe_volumes()
    assert time.monotonic() - started >= 0.2  # a lower bound: the other direction would be flaky
    assert outcomes(proxy) == [Outcome.FORWARDED]


def test_fault_rule_fails_matching_puts_the_given_number_of_times(
    server: DemoServer, proxy: FaultProxy, retry_delays: list[float]
) -> None:
    s3 = client(server.session(), "s3", proxy, attempts=3)
    s3.create_bucket(Bucket="fault-rule")
    rule = FaultRule(service="s3", action="PutObject", path_contains="reports/2026", times=2)
    proxy.configure(FaultPlan(rules=(rule,)))
    proxy.clear_records()
    put = s3.put_object(Bucket="fault-rule", Key="reports/2026/a.json", Body=b'{"a": 1}')
    assert put["ResponseMetadata"]["RetryAttempts"] == 2 == len(retry_delays)
    assert s3.put_object(Bucket="fault-rule", Key="other/a.json", Body=b"{}")["ResponseMetadata"]["RetryAttempts"] == 0
    assert s3.get_object(Bucket="fault-rule", Key="reports/2026/a.json")["Body"].read() == b'{"a": 1}'
    assert [(r.action, r.outcome, r.status) for r in proxy.records()] == [
        ("PutObject", Outcome.FAILED, 500),
        ("PutObject", Outcome.FAILED, 500),
        ("PutObject", Outcome.FORWARDED, 200),
        ("PutObject", Outcome.FORWARDED, 200),
        ("GetObject", Outcome.FORWARDED, 200),
    ]
    proxy.configure(FaultPlan(rules=(rule,)))
    single_attempt = client(server.session(), "s3", proxy)
    put_once = lambda: single_attempt.put_object(Bucket="fault-rule", Key="reports/2026/b.json", Body=b"{}")  # noqa: E731
    assert error_of(put_once) == ("InternalError", 500)


def test_counts_per_service_and_action(server: DemoServer, proxy: FaultProxy) -> None:
    hub = server.session()
    direct_s3 = hub.client("s3", endpoint_url=server.endpoint_url)  # setup, past the proxy
    direct_s3.create_bucket(Bucket="counted")
    direct_s3.put_object(Bucket="counted", Key="seed.txt", Body=b"seed")
    ec2, awslambda, s3 = (client(hub, service, proxy) for service in ("ec2", "lambda", "s3"))
    for _ in range(3):
        ec2.describe_volumes()
    for _ in range(2):
        awslambda.list_functions()
    s3.list_objects_v2(Bucket="counted")
    s3.put_object(Bucket="counted", Key="a.txt", Body=b"a")
    s3.get_object(Bucket="counted", Key="a.txt")["Body"].read()
    s3.head_object(Bucket="counted", Key="a.txt")
    s3.copy_object(Bucket="counted", Key="b.txt", CopySource={"Bucket": "counted", "Key": "a.txt"})
    client(hub, "eks", proxy).list_clusters()
    now = datetime.now(UTC)
    metric = {"Namespace": "AWS/EC2", "MetricName": "CPUUtilization"}
    query = {"Id": "cpu", "MetricStat": {"Metric": metric, "Period": 300, "Stat": "Average"}}
    client(hub, "cloudwatch", proxy).get_metric_data(
        MetricDataQueries=[query], StartTime=now - timedelta(hours=1), EndTime=now
    )
    with urllib.request.urlopen(proxy.endpoint_url + "/moto-api/data.json", timeout=30) as moto_api:
        assert moto_api.status == 200  # forwarded, but not an AWS request: not recorded
        assert moto_api.read().startswith(b"{")
    expected_s3 = Counter(
        {("s3", action): 1 for action in ("ListObjectsV2", "PutObject", "GetObject", "HeadObject", "CopyObject")}
    )
    assert (
        proxy.counts()
        == Counter(
            {
                ("ec2", "DescribeVolumes"): 3,
                ("lambda", "ListFunctions"): 2,
                ("eks", "ListClusters"): 1,
                ("monitoring", "GetMetricData"): 1,
            }
        )
        + expected_s3
    )
    assert proxy.counts(lambda record: record.service == "s3") == expected_s3


def test_forwards_bodies_byte_for_byte(server: DemoServer, proxy: FaultProxy) -> None:
    s3 = client(server.session(), "s3", proxy)
    s3.create_bucket(Bucket="bodies")
    payload = random.Random(0).randbytes(1 << 20)
    s3.put_object(Bucket="bodies", Key="blob.bin", Body=payload)
    assert s3.get_object(Bucket="bodies", Key="blob.bin")["Body"].read() == payload
    assert s3.head_object(Bucket="bodies", Key="blob.bin")["ContentLength"] == len(payload)
    assert outcomes(proxy) == [Outcome.FORWARDED] * 4


def test_unreachable_upstream_is_a_retryable_502(server: DemoServer, retry_delays: list[float]) -> None:
    with socket.socket() as placeholder:  # a loopback port that nothing listens on once closed
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]
    with FaultProxy(f"http://127.0.0.1:{port}") as dead_end:
        ec2 = client(server.session(), "ec2", dead_end, attempts=3)
        assert error_of(ec2.describe_volumes) == ("502", 502)
        assert len(retry_delays) == 2
        assert [(r.action, r.outcome, r.status) for r in dead_end.records()] == [
            ("DescribeVolumes", Outcome.UPSTREAM_ERROR, 502)
        ] * 3


def test_configure_swaps_the_plan_and_restarts_the_patterns(server: DemoServer, proxy: FaultProxy) -> None:
    ec2 = client(server.session(), "ec2", proxy)
    plan = FaultPlan(throttle={"ec2": 0.5})

    def three_calls() -> list[Outcome]:
        proxy.clear_records()
        for _ in range(3):
            with contextlib.suppress(ClientError):
                ec2.describe_volumes()
        return outcomes(proxy)

    proxy.configure(plan)
    first = three_calls()
    assert longest_run(first, Outcome.THROTTLED) == 1 == longest_run(first, Outcome.FORWARDED)
    proxy.configure(plan)
    assert three_calls() == first  # without the reset, 1/2 would carry on in the opposite phase
    unfaulted = FaultPlan()
    proxy.configure(unfaulted)
    assert proxy.plan is unfaulted
    assert three_calls() == [Outcome.FORWARDED] * 3
