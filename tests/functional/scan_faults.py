"""Fault injection and call counting for clients that code under test creates itself.

moto answers through a `before-send` handler that it appends to
`botocore.handlers.BUILTIN_HANDLERS`, which every new botocore session registers. We put
our handler *in front of it* in that list (monkeypatched, so undone after the test): every
session created during the test — the base session, and the assumed-role sessions built
inside scan_cell — answers a matching request with the service's real error body (rendered
by the fault proxy's `orgsweep_local.demo.faults.render`), before moto is asked. Every attempt
passes here, so retries are injected too.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import botocore.handlers
import pytest
from botocore.awsrequest import AWSResponse

from orgsweep_local.demo.faults import ErrorReply, Protocol, render
from tests.functional.aws_fakes import zero_backoff

#: Wire protocol of the services whose requests do not say it themselves (by hyphenized service id).
_PROTOCOLS = {"ec2": Protocol.EC2, "lambda": Protocol.REST_JSON, "eks": Protocol.REST_JSON, "s3": Protocol.REST_XML}


def _protocol(service_id: str, headers: Any) -> Protocol:
    # CloudWatch speaks CBOR, JSON or query depending on who picked the protocol (moto
    # pins one): answer in the protocol the request was sent with.
    if headers.get("smithy-protocol"):
        return Protocol.CBOR
    if headers.get("X-Amz-Target"):
        return Protocol.JSON
    return _PROTOCOLS.get(service_id, Protocol.QUERY)


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_kwargs: Any) -> Iterator[bytes]:
        yield self._body


@dataclass
class Rule:
    service_id: str  # botocore service id, hyphenized: "ec2", "elastic-load-balancing-v2", "sts"
    operation: str | None  # None: every operation of the service
    code: str
    status: int
    times: int | None  # None: every matching attempt
    hits: int = 0


class Faults:
    """Rules for injected errors, plus a count of every attempt sent, by "service.Operation"."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[Rule] = []
        self.sent: Counter[str] = Counter()

    def fail(
        self, service_id: str, code: str, *, operation: str | None = None, status: int = 400, times: int | None = None
    ) -> Rule:
        rule = Rule(service_id, operation, code, status, times)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            self.sent.clear()

    def __call__(self, request: Any = None, event_name: str = "", **_kwargs: Any) -> AWSResponse | None:
        _, service_id, operation = event_name.split(".", 2)
        with self._lock:
            self.sent[f"{service_id}.{operation}"] += 1
            for rule in self._rules:
                matches = rule.service_id == service_id and rule.operation in (None, operation)
                if matches and (rule.times is None or rule.hits < rule.times):
                    rule.hits += 1
                    reply = ErrorReply(rule.status, rule.code, f"injected {rule.code}")
                    headers, body = render(reply, _protocol(service_id, request.headers))
                    return AWSResponse(request.url, rule.status, headers, _Raw(body))
        return None


def install_faults(monkeypatch: pytest.MonkeyPatch) -> Faults:
    """Install a Faults handler ahead of moto's for every botocore session created in the test.

    botocore's retry backoff is made instant: injected throttles would otherwise sleep for real.
    """
    handler = Faults()
    monkeypatch.setattr(
        botocore.handlers, "BUILTIN_HANDLERS", [("before-send", handler), *botocore.handlers.BUILTIN_HANDLERS]
    )
    zero_backoff(monkeypatch)
    return handler
