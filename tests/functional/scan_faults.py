"""Fault injection and call counting for clients that code under test creates itself.

moto answers through a `before-send` handler that it appends to
`botocore.handlers.BUILTIN_HANDLERS`, which every new botocore session registers. We put
our handler *in front of it* in that list (monkeypatched, so undone after the test): every
session created during the test — the base session, and the assumed-role sessions built
inside scan_cell — answers a matching request with the service's real error body, before
moto is asked. Every attempt passes here, so retries are injected too.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import botocore.handlers
import botocore.retries.standard
import pytest
from botocore.awsrequest import AWSResponse

#: Wire protocol of the services whose requests do not say it themselves (by hyphenized service id).
_PROTOCOLS = {"ec2": "ec2", "lambda": "rest-json", "eks": "rest-json"}


def _protocol(service_id: str, headers: Any) -> str:
    # CloudWatch speaks CBOR, JSON or query depending on who picked the protocol (moto
    # pins one): answer in the protocol the request was sent with.
    if headers.get("smithy-protocol"):
        return "cbor"
    if headers.get("X-Amz-Target"):
        return "json"
    return _PROTOCOLS.get(service_id, "query")


def _cbor_text(value: str) -> bytes:
    data = value.encode()
    if len(data) < 24:
        return bytes([0x60 | len(data)]) + data
    if len(data) < 256:
        return bytes([0x78, len(data)]) + data
    return bytes([0x79]) + len(data).to_bytes(2, "big") + data


def _cbor_text_map(items: dict[str, str]) -> bytes:
    assert len(items) < 24
    return bytes([0xA0 | len(items)]) + b"".join(_cbor_text(k) + _cbor_text(v) for k, v in items.items())


def error_response(protocol: str, code: str, message: str) -> tuple[dict[str, str], bytes]:
    """Headers and body of an AWS error in `protocol` (ec2, query, json, rest-json or cbor)."""
    if protocol == "ec2":
        body = (
            f"<?xml version='1.0' encoding='UTF-8'?><Response><Errors><Error><Code>{code}</Code>"
            f"<Message>{message}</Message></Error></Errors><RequestID>injected</RequestID></Response>"
        )
        return {"Content-Type": "text/xml"}, body.encode()
    if protocol == "query":
        body = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
            f"</Error><RequestId>injected</RequestId></ErrorResponse>"
        )
        return {"Content-Type": "text/xml"}, body.encode()
    if protocol == "cbor":
        headers = {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}
        return headers, _cbor_text_map({"__type": code, "message": message})
    headers = {"Content-Type": "application/json", "x-amzn-errortype": code}
    return headers, json.dumps({"__type": code, "message": message}).encode()


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
                    protocol = _protocol(service_id, request.headers)
                    headers, body = error_response(protocol, rule.code, f"injected {rule.code}")
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
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda self, context: 0.0)
    return handler
