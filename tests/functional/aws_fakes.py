"""Test doubles for orgsweep.aws tests: canned AWS error responses served from botocore hooks."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.retries import standard

EC2_THROTTLE_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<Response><Errors><Error><Code>RequestLimitExceeded</Code>"
    b"<Message>Request limit exceeded.</Message></Error></Errors>"
    b"<RequestID>0e2f4b8a-0000-4000-8000-000000000000</RequestID></Response>"
)

EC2_DESCRIBE_VOLUMES_EMPTY_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<DescribeVolumesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
    b"<requestId>0e2f4b8a-0000-4000-8000-000000000001</requestId><volumeSet/></DescribeVolumesResponse>"
)


def sts_error_xml(code: str, message: str) -> bytes:
    return (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        f"<Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
        "<RequestId>0e2f4b8a-0000-4000-8000-000000000002</RequestId></ErrorResponse>"
    ).encode()


class _RawBody:
    """The `raw` of an AWSResponse: botocore reads the body through stream()."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def canned_response(url: str, status: int, body: bytes) -> AWSResponse:
    return AWSResponse(url, status, {"Content-Type": "text/xml"}, _RawBody(body))


class FailFirst:
    """A before-send handler answering the first `count` attempts with `status`/`body`.

    Later attempts return None, so the next handler (moto's stubber) answers them.
    `attempts` counts every attempt the handler saw.
    """

    def __init__(self, count: int, status: int, body: bytes) -> None:
        self.remaining = count
        self.status = status
        self.body = body
        self.attempts = 0
        self.failed = 0
        self._lock = threading.Lock()

    def __call__(self, request: Any, **kwargs: Any) -> AWSResponse | None:
        with self._lock:
            self.attempts += 1
            if self.remaining <= 0:
                return None
            self.remaining -= 1
            self.failed += 1
        return canned_response(request.url, self.status, self.body)


def zero_backoff(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Keep botocore's standard-retry backoff out of test time.

    botocore's Endpoint sleeps for whatever the needs-retry handler returns; the standard
    handler asks ExponentialBackoff.delay_amount. Record the delay botocore chose (one entry
    per retry it decided to make) and sleep 0 instead.
    """
    delays: list[float] = []
    original = standard.ExponentialBackoff.delay_amount

    def no_delay(self: standard.ExponentialBackoff, context: Any) -> float:
        delays.append(original(self, context))
        return 0.0

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", no_delay)
    return delays
