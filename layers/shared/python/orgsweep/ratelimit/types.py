"""Value types of the rate limiter."""

from __future__ import annotations

import math
from dataclasses import dataclass

from orgsweep.ratelimit.exceptions import RateLimitConfigError


def require_positive(name: str, value: float) -> float:
    """Return `value` as a float, or raise RateLimitConfigError naming `name` unless it is finite and > 0."""
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise RateLimitConfigError(f"{name} must be a finite number > 0, got {value!r}")
    return number


@dataclass(frozen=True, slots=True)
class RateSpec:
    """A bucket's shape: refill `rate` tokens per second, hold at most `burst` tokens."""

    rate: float
    burst: float

    def __post_init__(self) -> None:
        require_positive("rate", self.rate)
        require_positive("burst", self.burst)


@dataclass(frozen=True, slots=True)
class BucketStats:
    """Counters of one bucket.

    acquired: grants (calls of acquire/try_acquire that got their tokens), not tokens.
    seconds_waited: total time callers spent blocked in acquire (including waits that
        ended in a timeout).
    throttles: throttle signals received (record_throttle calls).
    current_rate: tokens per second right now (lower than configured after throttles).
    """

    acquired: int
    seconds_waited: float
    throttles: int
    current_rate: float


__all__ = ["BucketStats", "RateSpec", "require_positive"]
