"""Decide, per request, which fault (if any) the proxy answers with.

Order: disabled region, then AccessDenied, then the plan's FaultRules, then throttling —
the order in which AWS itself refuses a request (authentication, authorization, the
service, its rate limits).
"""

from __future__ import annotations

import functools
import math
import random
import threading
from collections import Counter
from collections.abc import Mapping
from fractions import Fraction
from urllib.parse import unquote_plus

import botocore.session
from botocore.exceptions import UnknownServiceError

from orgsweep_local.demo.faults.responses import (
    ErrorReply,
    denied_reply,
    region_disabled_reply,
    throttle_reply,
)
from orgsweep_local.demo.faults.types import ANY_SERVICE, FaultPlan, FaultRule, Outcome, ThrottlePattern
from orgsweep_local.demo.faults.wire import RequestInfo

#: Resolution of the seeded phase of each key's spread pattern.
_PHASES = 1000


@functools.cache
def signing_name(service: str) -> str:
    """The SigV4 signing name of a boto3 service name ("cloudwatch" -> "monitoring"); "*" and
    names that are not boto3 services are returned as they are."""
    if service == ANY_SERVICE:
        return service
    try:
        return str(botocore.session.get_session().get_service_model(service).signing_name)
    except UnknownServiceError:
        return service


def _by_signing_name(values: Mapping[str, float]) -> dict[str, float]:
    return {signing_name(service): value for service, value in values.items()}


class FaultInjector:
    """Applies one FaultPlan; thread-safe. Keeps the per-key request counts the throttle
    patterns and `FaultRule.times` need."""

    def __init__(self, plan: FaultPlan) -> None:
        self.plan = plan
        self._throttle = {k: Fraction(str(v)) for k, v in _by_signing_name(plan.throttle).items()}
        self._latency = _by_signing_name(plan.latency_s)
        self._deny = {(account, signing_name(service)) for account, service in plan.deny}
        self._lock = threading.Lock()
        self._seen: Counter[tuple[str, str, str, str]] = Counter()
        self._streams: dict[tuple[str, str, str, str], random.Random] = {}
        self._rule_hits: Counter[int] = Counter()
        self._phases: dict[tuple[str, str, str, str], Fraction] = {}

    def latency_s(self, info: RequestInfo) -> float:
        return self._latency.get(info.service, self._latency.get(ANY_SERVICE, 0.0))

    def decide(
        self, info: RequestInfo, account_id: str, path: str, body: bytes = b""
    ) -> tuple[Outcome, ErrorReply] | None:
        """The fault to answer `info` with, or None to forward it. `account_id` is the request's
        account as RequestRecord defines it; `path` is URL-decoded, `body` the raw request body."""
        if (account_id, info.region) in self.plan.disabled_regions:
            return Outcome.REGION_DISABLED, region_disabled_reply(info.service, info.action, info.protocol, account_id)
        if (account_id, info.service) in self._deny or (account_id, ANY_SERVICE) in self._deny:
            return Outcome.DENIED, denied_reply(info.service, info.action, info.protocol)
        text: str | None = None
        for index, rule in enumerate(self.plan.rules):
            if text is None and (rule.body_contains is not None or rule.body_lacks is not None):
                text = unquote_plus(body.decode("utf-8", "replace"))  # only when a rule looks at bodies
            if self._matches(rule, info, account_id, path, text or "") and self._take(index, rule):
                return Outcome.FAILED, ErrorReply(rule.status, rule.code, rule.message)
        if self._throttled(info, account_id):
            return Outcome.THROTTLED, throttle_reply(info.service, info.protocol)
        return None

    @staticmethod
    def _matches(rule: FaultRule, info: RequestInfo, account_id: str, path: str, body: str) -> bool:
        return (
            (rule.service is None or signing_name(rule.service) == info.service)
            and rule.action in (None, info.action)
            and rule.account_id in (None, account_id)
            and rule.region in (None, info.region)
            and (rule.path_contains is None or rule.path_contains in path)
            and (rule.body_contains is None or rule.body_contains in body)
            and (rule.body_lacks is None or rule.body_lacks not in body)
        )

    def opt_in_regions(self) -> frozenset[str]:
        """The opt-in regions the plan knows of: every region it disables for some account."""
        return frozenset(region for _, region in self.plan.disabled_regions)

    def disabled_regions_of(self, account_id: str) -> frozenset[str]:
        """The regions the plan says `account_id` has not enabled."""
        return frozenset(region for account, region in self.plan.disabled_regions if account == account_id)

    def _take(self, index: int, rule: FaultRule) -> bool:
        with self._lock:
            if rule.times is not None and self._rule_hits[index] >= rule.times:
                return False
            self._rule_hits[index] += 1
            return True

    def _throttled(self, info: RequestInfo, account_id: str) -> bool:
        fraction = self._throttle.get(info.service, self._throttle.get(ANY_SERVICE))
        if not fraction:
            return False
        key = (account_id, info.region, info.service, info.action)
        with self._lock:
            n = self._seen[key]
            self._seen[key] += 1
            stream = self._streams.get(key)
            if stream is None:
                stream = self._streams[key] = random.Random(f"{self.plan.seed}:{':'.join(key)}")
                self._phases[key] = Fraction(stream.randrange(_PHASES), _PHASES)
            if self.plan.throttle_pattern is ThrottlePattern.SPREAD:
                phase = self._phases[key]
                return math.floor((n + 1) * fraction + phase) > math.floor(n * fraction + phase)
            return stream.random() < fraction


__all__ = ["FaultInjector", "signing_name"]
