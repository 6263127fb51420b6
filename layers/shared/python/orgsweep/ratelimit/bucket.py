"""A thread-safe token bucket with an injected clock, deadlines and adaptive slow-down."""

from __future__ import annotations

import math
import threading

from orgsweep.clock import SYSTEM_CLOCK, Clock
from orgsweep.ratelimit.adaptive import DEFAULT_DECREASE_FACTOR, DEFAULT_RECOVERY_FRACTION, AdaptiveRate
from orgsweep.ratelimit.exceptions import RateLimitConfigError, RateLimitTimeoutError
from orgsweep.ratelimit.types import BucketStats, require_positive

# Float slack when comparing token counts: a sleeper that woke exactly on time must not
# compute a second, nanosecond-long wait because of rounding.
_EPSILON = 1e-9


class TokenBucket:
    """Tokens refill continuously at the current rate up to `burst`; the bucket starts full.

    acquire() blocks (via clock.sleep, without holding the lock) until the tokens are there;
    with a `deadline` (a clock.monotonic() value) it raises RateLimitTimeoutError at once when
    the wait would overrun it. After a wake-up it re-checks, because other threads may have
    taken the tokens meanwhile.

    adaptive=True: record_throttle() lowers the rate (see orgsweep.ratelimit.adaptive) and
    forfeits the tokens saved up, since a throttle while the bucket held a burst means someone
    else shares the account's API budget; record_success() recovers the rate gradually.
    adaptive=False: throttles are only counted.
    """

    def __init__(
        self,
        rate: float,
        burst: float,
        *,
        clock: Clock = SYSTEM_CLOCK,
        adaptive: bool = True,
        min_rate: float | None = None,
        decrease_factor: float = DEFAULT_DECREASE_FACTOR,
        recovery_fraction: float = DEFAULT_RECOVERY_FRACTION,
    ) -> None:
        self._policy = AdaptiveRate(
            rate, min_rate=min_rate, decrease_factor=decrease_factor, recovery_fraction=recovery_fraction
        )
        self.burst = require_positive("burst", burst)
        self.adaptive = adaptive
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens = self.burst
        self._updated = clock.monotonic()
        self._acquired = 0
        self._seconds_waited = 0.0
        self._throttles = 0

    @property
    def rate(self) -> float:
        """Current refill rate in tokens per second."""
        with self._lock:
            return self._policy.rate

    @property
    def configured_rate(self) -> float:
        return self._policy.configured_rate

    @property
    def min_rate(self) -> float:
        return self._policy.min_rate

    @property
    def available(self) -> float:
        """Tokens in the bucket right now."""
        with self._lock:
            self._refill(self._clock.monotonic())
            return self._tokens

    def acquire(self, tokens: float = 1.0, *, deadline: float | None = None) -> float:
        """Take `tokens`, blocking as long as needed; return the seconds waited."""
        self._check_tokens(tokens)
        started = self._clock.monotonic()
        while True:
            with self._lock:
                now = self._clock.monotonic()
                self._refill(now)
                waited = max(now - started, 0.0)
                if self._tokens + _EPSILON >= tokens:
                    self._tokens = max(self._tokens - tokens, 0.0)
                    self._acquired += 1
                    self._seconds_waited += waited
                    return waited
                wait = (tokens - self._tokens) / self._policy.rate
                if deadline is not None and now + wait > deadline:
                    self._seconds_waited += waited
                    raise RateLimitTimeoutError(tokens, wait, deadline, now)
            self._clock.sleep(wait)

    def try_acquire(self, tokens: float = 1.0) -> bool:
        """Take `tokens` if they are there right now; never waits."""
        self._check_tokens(tokens)
        with self._lock:
            self._refill(self._clock.monotonic())
            if self._tokens + _EPSILON < tokens:
                return False
            self._tokens = max(self._tokens - tokens, 0.0)
            self._acquired += 1
            return True

    def record_throttle(self) -> None:
        """AWS throttled a call made with this bucket's tokens."""
        with self._lock:
            self._throttles += 1
            if not self.adaptive:
                return
            now = self._clock.monotonic()
            self._refill(now)  # settle the tokens earned at the old rate first
            if self._policy.on_throttle(now):
                self._tokens = 0.0

    def record_success(self) -> None:
        """AWS accepted a call made with this bucket's tokens."""
        if not self.adaptive:
            return
        with self._lock:
            now = self._clock.monotonic()
            self._refill(now)
            self._policy.on_success(now)

    def stats(self) -> BucketStats:
        with self._lock:
            return BucketStats(
                acquired=self._acquired,
                seconds_waited=self._seconds_waited,
                throttles=self._throttles,
                current_rate=self._policy.rate,
            )

    def _refill(self, now: float) -> None:
        # Caller holds the lock. A clock that went backwards earns nothing (never negative).
        elapsed = now - self._updated
        if elapsed > 0:
            self._tokens = min(self.burst, self._tokens + elapsed * self._policy.rate)
            self._updated = now

    def _check_tokens(self, tokens: float) -> None:
        if not math.isfinite(tokens) or tokens <= 0:
            raise RateLimitConfigError(f"tokens must be a finite number > 0, got {tokens!r}")
        if tokens > self.burst:
            raise RateLimitConfigError(
                f"tokens ({tokens!r}) must not exceed burst ({self.burst!r}): they could never be granted"
            )

    def __repr__(self) -> str:
        return (
            f"TokenBucket(rate={self._policy.rate:g}, configured_rate={self.configured_rate:g}, "
            f"burst={self.burst:g}, adaptive={self.adaptive})"
        )


__all__ = ["TokenBucket"]
