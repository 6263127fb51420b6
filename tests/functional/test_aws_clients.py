"""orgsweep.aws clients against moto: caching, thread safety, rate limiting and exact counters."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from orgsweep import __version__
from orgsweep.aws import (
    CallCounters,
    ClientFactory,
    ServiceCounts,
    counting_scope,
    error_code,
    get_client,
)
from orgsweep.aws.exceptions import AwsConfigError
from orgsweep.aws.hooks import ClientHooks
from orgsweep.clock import FakeClock
from orgsweep.ratelimit import LimiterSet, RateLimitTimeoutError, RateSpec
from tests.functional.aws_fakes import EC2_THROTTLE_XML, FailFirst, zero_backoff

pytestmark = pytest.mark.functional

REGION = "eu-west-1"
THROTTLED = "before-send.ec2.DescribeVolumes"


@pytest.fixture
def backoff_delays(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    return zero_backoff(monkeypatch)


@pytest.fixture(scope="module")
def moto_module() -> Iterator[None]:
    """One moto for the module: these tests only read, and moto's EC2 backend takes ~1 s to start."""
    from moto import mock_aws

    with mock_aws():
        yield


@pytest.fixture
def session(moto_module: None) -> boto3.Session:
    return boto3.Session(region_name=REGION)


def _limiters(clock: FakeClock, rate: float = 5.0, burst: float = 10.0) -> LimiterSet:
    return LimiterSet("default", {"ec2": RateSpec(rate, burst)}, clock=clock)


class _CreationSpy:
    """Wraps session.client to count creations and the most that ever ran at once."""

    def __init__(self, session: boto3.Session) -> None:
        self._create = session.client
        self._lock = threading.Lock()
        self.created: list[tuple[str, str]] = []
        self.in_flight = 0
        self.max_in_flight = 0

    def __call__(self, service: str, *, region_name: str, **kwargs: Any) -> Any:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.created.append((service, region_name))
        try:
            return self._create(service, region_name=region_name, **kwargs)
        finally:
            with self._lock:
                self.in_flight -= 1


# --- configuration and caching -------------------------------------------------------------


def test_client_has_standard_retries_pool_timeouts_and_user_agent(session: boto3.Session) -> None:
    factory = ClientFactory(session, max_attempts=4, max_pool_connections=17)
    client = factory.client("ec2", REGION)
    config = client.meta.config
    assert config.retries["mode"] == "standard"
    assert config.retries["total_max_attempts"] == 4
    assert config.max_pool_connections == 17
    assert 0 < config.connect_timeout <= 10
    assert 0 < config.read_timeout <= 60
    seen: list[bytes] = []
    client.meta.events.register("before-send.ec2", lambda request, **_: seen.append(request.headers["User-Agent"]))
    client.describe_volumes()
    assert f"orgsweep/{__version__}".encode() in seen[0]


def test_factory_caches_per_service_and_region(session: boto3.Session) -> None:
    factory = ClientFactory(session)
    ec2 = factory.client("ec2", REGION)
    assert factory.client("ec2", REGION) is ec2
    assert factory.client("ec2", "us-east-1") is not ec2
    assert factory.client("cloudwatch", REGION) is not ec2
    assert factory.client("ec2", "us-east-1").meta.region_name == "us-east-1"


def test_factory_creates_each_client_once_under_concurrency(
    session: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = _CreationSpy(session)
    monkeypatch.setattr(session, "client", spy)
    factory = ClientFactory(session)
    other = ClientFactory(session)  # a second factory on the same session shares its creation lock
    keys = [("ec2", REGION), ("cloudwatch", REGION), ("ec2", "us-east-1")]
    barrier = threading.Barrier(12)

    def work(i: int) -> tuple[tuple[str, str], Any, ClientFactory]:
        which = factory if i % 2 else other
        key = keys[i % len(keys)]
        barrier.wait()
        return key, which.client(*key), which

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(work, range(12)))

    assert spy.max_in_flight == 1, "boto3 Session.client ran concurrently"
    assert sorted(spy.created) == sorted(keys * 2)  # once per (factory, service, region)
    for key, client, which in results:
        assert client is which.client(*key)


def test_get_client_caches_per_session_service_region_and_options(session: boto3.Session) -> None:
    client = get_client(session, "ec2", REGION)
    assert get_client(session, "ec2", REGION) is client
    assert get_client(session, "ec2", "us-east-1") is not client
    assert get_client(boto3.Session(region_name=REGION), "ec2", REGION) is not client
    counters = CallCounters()
    counted = get_client(session, "ec2", REGION, counters=counters)
    assert counted is not client
    assert get_client(session, "ec2", REGION, counters=counters) is counted
    counted.describe_volumes()
    assert counters.totals().calls == 1


def test_get_client_is_thread_safe(session: boto3.Session, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = _CreationSpy(session)
    monkeypatch.setattr(session, "client", spy)
    barrier = threading.Barrier(8)

    def work(_: int) -> Any:
        barrier.wait()
        return get_client(session, "ec2", REGION)

    with ThreadPoolExecutor(max_workers=8) as pool:
        clients = list(pool.map(work, range(8)))
    assert spy.created == [("ec2", REGION)]
    assert all(c is clients[0] for c in clients)


def test_get_client_cache_does_not_keep_sessions_alive(moto_module: None) -> None:
    session = boto3.Session(region_name=REGION)
    client = get_client(session, "ec2", REGION)
    ref = weakref.ref(session)
    del session
    gc.collect()
    assert ref() is None
    client.describe_volumes()  # the client outlives its session and still works


def test_bad_arguments_raise_clear_errors(session: boto3.Session) -> None:
    with pytest.raises(AwsConfigError, match="max_attempts"):
        ClientFactory(session, max_attempts=0)
    with pytest.raises(AwsConfigError, match="max_pool_connections"):
        ClientFactory(session, max_pool_connections=0)
    with pytest.raises(AwsConfigError, match="unknown AWS service 'ec3'"):
        ClientFactory(session).client("ec3", REGION)
    with pytest.raises(AwsConfigError, match="region"):
        get_client(session, "ec2", "")


# --- counting ------------------------------------------------------------------------------


def test_every_attempt_is_counted_once_per_service(session: boto3.Session) -> None:
    factory = ClientFactory(session)
    ec2 = factory.client("ec2", REGION)
    ec2.describe_volumes()
    ec2.describe_snapshots(OwnerIds=["self"])
    factory.client("cloudwatch", REGION).list_metrics()
    with pytest.raises(ClientError):
        ec2.describe_volumes(VolumeIds=["vol-00000000000000000"])  # moto answers an error: still a call
    snapshot = factory.counters.snapshot()
    assert snapshot == {
        "cloudwatch": ServiceCounts(calls=1),
        "ec2": ServiceCounts(calls=3),
    }
    assert factory.counters.totals() == ServiceCounts(calls=4)


def test_registering_hooks_twice_counts_once(session: boto3.Session) -> None:
    factory = ClientFactory(session)
    client = factory.client("ec2", REGION)
    ClientHooks("ec2", counters=factory.counters).register(client)  # same unique ids: ignored
    client.describe_volumes()
    assert factory.counters.totals().calls == 1


def test_throttles_are_retried_counted_exactly_and_slow_the_limiter(
    session: boto3.Session, fake_clock: FakeClock, backoff_delays: list[float]
) -> None:
    limiters = _limiters(fake_clock)
    factory = ClientFactory(session, limiters=limiters, max_attempts=5, clock=fake_clock)
    client = factory.client("ec2", REGION)
    throttle = FailFirst(2, 503, EC2_THROTTLE_XML)
    client.meta.events.register_first(THROTTLED, throttle)

    response = client.describe_volumes()

    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert throttle.attempts == 3
    assert len(backoff_delays) == 2  # botocore's standard retry decided both retries
    assert factory.counters.snapshot() == {
        "ec2": ServiceCounts(calls=3, retries=2, throttles=2, throttles_by_code={"RequestLimitExceeded": 2})
    }
    bucket = limiters.for_service("ec2").stats()
    assert bucket.acquired == 3  # one token per attempt, retries included
    assert bucket.throttles == 2
    assert bucket.current_rate < 5.0
    assert bucket.seconds_waited > 0  # the retries waited for the slowed bucket (on the fake clock)
    assert sum(fake_clock.slept) == pytest.approx(bucket.seconds_waited)


def test_exhausted_retries_raise_the_throttling_error_with_exact_counts(
    session: boto3.Session, fake_clock: FakeClock, backoff_delays: list[float]
) -> None:
    factory = ClientFactory(session, limiters=_limiters(fake_clock), max_attempts=3, clock=fake_clock)
    client = factory.client("ec2", REGION)
    client.meta.events.register_first(THROTTLED, FailFirst(100, 503, EC2_THROTTLE_XML))

    with pytest.raises(ClientError) as caught:
        client.describe_volumes()

    assert error_code(caught.value) == "RequestLimitExceeded"
    assert caught.value.response["ResponseMetadata"]["RetryAttempts"] == 2
    assert len(backoff_delays) == 2
    assert factory.counters.totals() == ServiceCounts(
        calls=3, retries=2, throttles=3, throttles_by_code={"RequestLimitExceeded": 3}
    )


def test_http_429_with_an_unknown_code_counts_as_a_throttle(
    session: boto3.Session, fake_clock: FakeClock, backoff_delays: list[float]
) -> None:
    limiters = _limiters(fake_clock)
    factory = ClientFactory(session, limiters=limiters, clock=fake_clock)
    client = factory.client("ec2", REGION)
    body = b"<Response><Errors><Error><Code>Busy</Code><Message>slow down</Message></Error></Errors></Response>"
    client.meta.events.register_first(THROTTLED, FailFirst(1, 429, body))
    client.describe_volumes()
    assert factory.counters.totals() == ServiceCounts(calls=2, retries=1, throttles=1, throttles_by_code={"Busy": 1})
    assert limiters.for_service("ec2").stats().throttles == 1


def test_other_errors_are_not_throttles(session: boto3.Session, fake_clock: FakeClock) -> None:
    limiters = _limiters(fake_clock)
    factory = ClientFactory(session, limiters=limiters, clock=fake_clock)
    with pytest.raises(ClientError) as caught:
        factory.client("ec2", REGION).describe_volumes(VolumeIds=["vol-00000000000000000"])
    assert error_code(caught.value) == "InvalidVolume.NotFound"
    assert factory.counters.totals() == ServiceCounts(calls=1)
    assert limiters.for_service("ec2").stats().throttles == 0


# --- deadline ------------------------------------------------------------------------------


def test_call_raises_rate_limit_timeout_when_no_token_before_the_deadline(
    session: boto3.Session, fake_clock: FakeClock
) -> None:
    deadline = fake_clock.monotonic() + 1.0
    factory = ClientFactory(
        session, limiters=_limiters(fake_clock, rate=0.5, burst=1), deadline=deadline, clock=fake_clock
    )
    client = factory.client("ec2", REGION)
    client.describe_volumes()  # the burst token
    with pytest.raises(RateLimitTimeoutError):
        client.describe_volumes()  # the next token needs 2 s, the deadline is 1 s away
    assert fake_clock.slept == []  # failed fast instead of sleeping until the deadline
    assert factory.counters.totals() == ServiceCounts(calls=1)


def test_no_attempt_starts_after_the_deadline_even_without_limiter(
    session: boto3.Session, fake_clock: FakeClock
) -> None:
    factory = ClientFactory(session, deadline=fake_clock.monotonic() + 5.0, clock=fake_clock)
    client = factory.client("ec2", REGION)
    client.describe_volumes()
    fake_clock.advance(5.0)
    with pytest.raises(RateLimitTimeoutError):
        client.describe_volumes()
    assert factory.counters.totals().calls == 1


def test_deadline_interrupts_retries_with_rate_limit_timeout(
    session: boto3.Session, fake_clock: FakeClock, backoff_delays: list[float]
) -> None:
    deadline = fake_clock.monotonic() + 0.1
    factory = ClientFactory(session, limiters=_limiters(fake_clock), deadline=deadline, clock=fake_clock)
    client = factory.client("ec2", REGION)
    client.meta.events.register_first(THROTTLED, FailFirst(100, 503, EC2_THROTTLE_XML))
    with pytest.raises(RateLimitTimeoutError):
        client.describe_volumes()  # the throttle empties the bucket; the retry's token is too late
    assert factory.counters.totals() == ServiceCounts(
        calls=1, retries=0, throttles=1, throttles_by_code={"RequestLimitExceeded": 1}
    )


# --- scopes --------------------------------------------------------------------------------


def test_scopes_attribute_calls_to_the_right_worker_across_threads(
    session: boto3.Session, backoff_delays: list[float]
) -> None:
    factory = ClientFactory(session)
    client = factory.client("ec2", REGION)  # one client shared by every worker

    def throttle_only_w0(request: Any, **kwargs: Any) -> Any:
        from orgsweep.aws import current_scope

        if current_scope() == "w0" and request.context["retries"]["attempt"] == 1:
            return FailFirst(1, 503, EC2_THROTTLE_XML)(request)
        return None

    client.meta.events.register_first(THROTTLED, throttle_only_w0)
    barrier = threading.Barrier(4)

    def work(i: int) -> None:
        with counting_scope(f"w{i}"):
            barrier.wait()
            for _ in range(i + 1):
                client.describe_volumes()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(work, range(4)))
    client.describe_volumes()  # the main thread is in the default scope

    counters = factory.counters
    assert counters.scopes() == ["default", "w0", "w1", "w2", "w3"]
    assert counters.snapshot("w0") == {
        "ec2": ServiceCounts(calls=2, retries=1, throttles=1, throttles_by_code={"RequestLimitExceeded": 1})
    }
    for i in (1, 2, 3):
        assert counters.snapshot(f"w{i}") == {"ec2": ServiceCounts(calls=i + 1)}
    assert counters.snapshot("default") == {"ec2": ServiceCounts(calls=1)}
    assert counters.totals() == ServiceCounts(
        calls=2 + 2 + 3 + 4 + 1, retries=1, throttles=1, throttles_by_code={"RequestLimitExceeded": 1}
    )
