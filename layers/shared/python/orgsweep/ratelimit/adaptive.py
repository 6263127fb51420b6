"""The adaptive-rate policy: slow down on throttles, recover gradually on successes (AIMD).

- Decrease: a throttle multiplies the rate by `decrease_factor` (default 0.5), never below
  `min_rate` (default 5 % of the configured rate, at least 0.1/s, at most the configured rate).
- Recovery: each success adds `recovery_fraction` x configured rate (default 5 %), capped at
  the configured rate. Recovery is per success, not per elapsed time: the rate only climbs
  back while AWS keeps accepting calls, and an idle bucket does not drift back to full speed
  on no evidence. From half speed, 10 successes restore the configured rate.
- Coalescing: the requests already in flight when a throttle arrives were sent at the old
  rate, so their outcomes say nothing about the new one. Signals (throttles and successes)
  arriving within one request interval at the reduced rate (1 / rate seconds) of the last
  decrease are ignored. Without this, N concurrent callers throttled by the same burst would
  cut the rate by 2^N and crash it to the floor.
"""

from __future__ import annotations

from orgsweep.ratelimit.exceptions import RateLimitConfigError
from orgsweep.ratelimit.types import require_positive

MIN_RATE_FRACTION = 0.05
MIN_RATE_FLOOR = 0.1  # requests per second
DEFAULT_DECREASE_FACTOR = 0.5
DEFAULT_RECOVERY_FRACTION = 0.05


class AdaptiveRate:
    """The current rate of one bucket. Not thread-safe: the owning bucket holds its lock."""

    def __init__(
        self,
        configured_rate: float,
        *,
        min_rate: float | None = None,
        decrease_factor: float = DEFAULT_DECREASE_FACTOR,
        recovery_fraction: float = DEFAULT_RECOVERY_FRACTION,
    ) -> None:
        self.configured_rate = require_positive("rate", configured_rate)
        if min_rate is None:
            min_rate = min(self.configured_rate, max(MIN_RATE_FLOOR, MIN_RATE_FRACTION * self.configured_rate))
        self.min_rate = require_positive("min_rate", min_rate)
        if self.min_rate > self.configured_rate:
            raise RateLimitConfigError(f"min_rate ({min_rate!r}) must not exceed rate ({configured_rate!r})")
        if not 0 < decrease_factor < 1:
            raise RateLimitConfigError(f"decrease_factor must be in (0, 1), got {decrease_factor!r}")
        if not 0 < recovery_fraction <= 1:
            raise RateLimitConfigError(f"recovery_fraction must be in (0, 1], got {recovery_fraction!r}")
        self.decrease_factor = float(decrease_factor)
        self.recovery_fraction = float(recovery_fraction)
        self.rate = self.configured_rate
        self._quiet_until: float | None = None  # signals before this monotonic time are ignored

    def is_settling(self, now: float) -> bool:
        """True while signals are still about requests sent before the last decrease."""
        return self._quiet_until is not None and now < self._quiet_until

    def on_throttle(self, now: float) -> bool:
        """Apply a throttle signal received at `now`; False if it was coalesced into the last one."""
        if self.is_settling(now):
            return False
        self.rate = max(self.min_rate, self.rate * self.decrease_factor)
        self._quiet_until = now + 1.0 / self.rate
        return True

    def on_success(self, now: float) -> bool:
        """Apply a success signal received at `now`; True if it raised the rate."""
        if self.is_settling(now) or self.rate >= self.configured_rate:
            return False
        self.rate = min(self.configured_rate, self.rate + self.recovery_fraction * self.configured_rate)
        return True


__all__ = ["AdaptiveRate"]
