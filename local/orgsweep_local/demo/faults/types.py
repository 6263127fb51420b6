"""What the fault proxy is told to do (a FaultPlan) and what it records per request."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from orgsweep_local.demo.faults.exceptions import FaultPlanError

#: Matches every service in `throttle`, `latency_s` and `deny`.
ANY_SERVICE = "*"


class Outcome(StrEnum):
    """How the proxy answered one request."""

    FORWARDED = "forwarded"  # passed to moto; moto's answer returned
    THROTTLED = "throttled"
    DENIED = "denied"
    REGION_DISABLED = "region_disabled"
    FAILED = "failed"  # a FaultRule's error
    UPSTREAM_ERROR = "upstream_error"  # moto could not be reached (502)


class ThrottlePattern(StrEnum):
    """Which requests a throttle fraction f hits, counted per (account, region, service, action).

    spread: request n of a key is throttled iff floor((n+1)·f + φ) > floor(n·f + φ), with a
      phase φ in [0, 1) seeded per key: f of each key's requests, evenly spaced (so at most
      ceil(f/(1-f)) in a row), and f of the keys with a single request — reproducible
      whatever the thread timing.
    random: each request with probability f, from a random stream seeded per key.
    """

    SPREAD = "spread"
    RANDOM = "random"


@dataclass(frozen=True, slots=True)
class FaultRule:
    """Answer matching requests with an error instead of forwarding them.

    Every given field must match (None matches anything); `path_contains` is tested against
    the URL-decoded path, `body_contains` / `body_lacks` against the URL-decoded body (e.g.
    `body_lacks="ExternalId=abc"` refuses an AssumeRole that does not send that external id,
    as a trust policy's sts:ExternalId condition does). `times` limits how many requests the
    rule answers (None: all).
    """

    service: str | None = None
    action: str | None = None
    account_id: str | None = None
    region: str | None = None
    path_contains: str | None = None
    body_contains: str | None = None
    body_lacks: str | None = None
    status: int = 500
    code: str = "InternalError"
    message: str = "We encountered an internal error. Please try again."
    times: int | None = None


@dataclass(frozen=True, slots=True)
class FaultPlan:
    """The faults to inject. Services are boto3 names ("cloudwatch", "elbv2") or SigV4 signing
    names ("monitoring"), or "*" for all.

    throttle: service -> fraction of requests answered with that service's throttling error.
    deny: (account_id, service) pairs answered with AccessDenied. For sts:AssumeRole the
      account is the one that owns the role, so ("111111111111", "sts") means "cannot assume
      into 111111111111".
    disabled_regions: (account_id, region) pairs the account has not opted into (on AWS only
      opt-in regions can be disabled): its calls there fail as AWS fails them, assuming into
      it through that region's STS gives RegionDisabledException, and its DescribeRegions says
      `not-opted-in` - while the accounts that keep the region enabled see it `opted-in`.
    latency_s: service -> seconds added before every answer ("*": every service).
    """

    throttle: Mapping[str, float] = field(default_factory=dict)
    throttle_pattern: ThrottlePattern = ThrottlePattern.SPREAD
    seed: int = 0
    deny: frozenset[tuple[str, str]] = frozenset()
    disabled_regions: frozenset[tuple[str, str]] = frozenset()
    latency_s: Mapping[str, float] = field(default_factory=dict)
    rules: tuple[FaultRule, ...] = ()

    def __post_init__(self) -> None:
        for service, fraction in self.throttle.items():
            if not (math.isfinite(fraction) and 0.0 <= fraction <= 1.0):
                raise FaultPlanError(f"throttle[{service!r}] must be a fraction in [0, 1], got {fraction}")
        for service, seconds in self.latency_s.items():
            if not (math.isfinite(seconds) and seconds >= 0.0):
                raise FaultPlanError(f"latency_s[{service!r}] must be >= 0 seconds, got {seconds}")
        for rule in self.rules:
            if not 400 <= rule.status <= 599:
                raise FaultPlanError(f"a FaultRule's status must be an HTTP error (400-599), got {rule.status}")
        object.__setattr__(self, "throttle_pattern", ThrottlePattern(self.throttle_pattern))
        object.__setattr__(self, "deny", frozenset(self.deny))
        object.__setattr__(self, "disabled_regions", frozenset(self.disabled_regions))


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request the proxy answered. `account_id` is the signing account (for sts:AssumeRole*,
    the role's account), `service` the SigV4 signing name."""

    account_id: str
    region: str
    service: str
    action: str
    outcome: Outcome
    status: int


__all__ = ["ANY_SERVICE", "FaultPlan", "FaultRule", "Outcome", "RequestRecord", "ThrottlePattern"]
