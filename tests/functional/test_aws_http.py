"""orgsweep.aws counting over real HTTP (no moto stubber): a local server plays EC2."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from orgsweep.aws import ClientFactory, ServiceCounts, error_code
from orgsweep.clock import FakeClock
from orgsweep.ratelimit import LimiterSet
from tests.functional.aws_fakes import EC2_DESCRIBE_VOLUMES_EMPTY_XML, EC2_THROTTLE_XML, zero_backoff

pytestmark = pytest.mark.functional


class _FakeEc2:
    """Answers the first `throttle_first` requests with RequestLimitExceeded (HTTP 503)."""

    def __init__(self) -> None:
        self.throttle_first = 0
        self.requests = 0
        self.user_agents: list[str] = []
        self._lock = threading.Lock()

    def answer(self, user_agent: str) -> tuple[int, bytes]:
        with self._lock:
            self.requests += 1
            self.user_agents.append(user_agent)
            if self.requests <= self.throttle_first:
                return 503, EC2_THROTTLE_XML
        return 200, EC2_DESCRIBE_VOLUMES_EMPTY_XML


@pytest.fixture
def fake_ec2() -> Iterator[tuple[_FakeEc2, str]]:
    state = _FakeEc2()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as botocore's pool expects

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status, body = state.answer(self.headers.get("User-Agent", ""))
            self.send_response(status)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # port 0: a free port, xdist-safe
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def backoff_delays(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    return zero_backoff(monkeypatch)


@pytest.fixture
def ec2_url(fake_ec2: tuple[_FakeEc2, str], monkeypatch: pytest.MonkeyPatch) -> str:
    """Point every new client at the fake (the way the CLI is pointed at a moto server)."""
    url = fake_ec2[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    return url


def _client(factory: ClientFactory, url: str) -> Any:
    client = factory.client("ec2", "eu-west-1")
    assert client.meta.endpoint_url == url  # never reach AWS
    return client


def test_attempts_over_real_http_are_counted_exactly(
    fake_ec2: tuple[_FakeEc2, str], ec2_url: str, fake_clock: FakeClock, backoff_delays: list[float]
) -> None:
    state = fake_ec2[0]
    state.throttle_first = 2
    limiters = LimiterSet("default", clock=fake_clock)
    factory = ClientFactory(boto3.Session(), limiters=limiters, max_attempts=3, clock=fake_clock)
    client = _client(factory, ec2_url)

    assert client.describe_volumes()["Volumes"] == []
    client.describe_volumes()

    assert state.requests == 4
    assert len(backoff_delays) == 2
    assert factory.counters.totals() == ServiceCounts(
        calls=4, retries=2, throttles=2, throttles_by_code={"RequestLimitExceeded": 2}
    )
    assert limiters.for_service("ec2").stats().acquired == 4
    assert all("orgsweep/" in agent for agent in state.user_agents)


def test_exhausted_retries_over_real_http(
    fake_ec2: tuple[_FakeEc2, str], ec2_url: str, fake_clock: FakeClock, backoff_delays: list[float]
) -> None:
    state = fake_ec2[0]
    state.throttle_first = 100
    factory = ClientFactory(boto3.Session(), max_attempts=2, clock=fake_clock)
    client = _client(factory, ec2_url)
    with pytest.raises(ClientError) as caught:
        client.describe_volumes()
    assert error_code(caught.value) == "RequestLimitExceeded"
    assert state.requests == 2
    assert factory.counters.totals() == ServiceCounts(
        calls=2, retries=1, throttles=2, throttles_by_code={"RequestLimitExceeded": 2}
    )
