"""Errors of the rate limiter."""

from __future__ import annotations

from orgsweep.exceptions import OrgSweepError


class RateLimitError(OrgSweepError):
    """Base class of the rate limiter's errors."""


class RateLimitConfigError(RateLimitError, ValueError):
    """A limiter setting out of range (rate, burst, tokens, min_rate, decrease or recovery factor, service name)."""


class RateLimitTimeoutError(RateLimitError, TimeoutError):
    """The tokens cannot be granted before the caller's deadline.

    Raised before sleeping: the limiter knows how long the wait would be, so it fails fast
    instead of sleeping until the deadline and then failing.
    """

    def __init__(self, tokens: float, wait_s: float, deadline: float, now: float) -> None:
        self.tokens = tokens
        self.wait_s = wait_s
        self.deadline = deadline
        self.now = now
        super().__init__(
            f"{tokens:g} token(s) would need a {wait_s:.3f}s wait, "
            f"but the deadline is {max(deadline - now, 0.0):.3f}s away"
        )


__all__ = ["RateLimitConfigError", "RateLimitError", "RateLimitTimeoutError"]
