"""Retrying a task's transient failures: attempts, which errors, and backoff with full jitter."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from orgsweep.executor.exceptions import ExecutorConfigError


def never_retryable(exc: BaseException) -> bool:
    """The default predicate: nothing is retried unless the caller says what is transient."""
    return False


def retry_on(*exc_types: type[BaseException]) -> Callable[[BaseException], bool]:
    """A predicate that retries instances of `exc_types`."""
    if not exc_types:
        raise ExecutorConfigError("retry_on needs at least one exception type")

    def is_retryable(exc: BaseException) -> bool:
        return isinstance(exc, exc_types)

    return is_retryable


@dataclass(frozen=True)
class RetryPolicy:
    """Up to `max_attempts` calls (the first included) while `is_retryable(error)` is True.

    Backoff before attempt n+1 is full jitter: uniform(0, min(backoff_cap_s,
    backoff_base_s * 2 ** (n - 1))), drawn from `rng` (inject a seeded random.Random for
    deterministic tests). The executor sleeps it on its own Clock.
    """

    max_attempts: int = 3
    is_retryable: Callable[[BaseException], bool] = never_retryable
    backoff_base_s: float = 1.0
    backoff_cap_s: float = 20.0
    rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.max_attempts, int) or isinstance(self.max_attempts, bool) or self.max_attempts < 1:
            raise ExecutorConfigError(f"max_attempts must be an int >= 1, got {self.max_attempts!r}")
        if not callable(self.is_retryable):
            raise TypeError(f"is_retryable must be callable, got {type(self.is_retryable).__name__}")
        for name in ("backoff_base_s", "backoff_cap_s"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise ExecutorConfigError(f"{name} must be a finite number >= 0, got {value!r}")

    def should_retry(self, attempt: int, error: BaseException) -> bool:
        """Whether attempt number `attempt` (1-based), which raised `error`, gets another try."""
        return attempt < self.max_attempts and bool(self.is_retryable(error))

    def backoff_s(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        ceiling = min(self.backoff_cap_s, self.backoff_base_s * 2.0 ** min(attempt - 1, 64))
        return self.rng.uniform(0.0, ceiling)


__all__ = ["RetryPolicy", "never_retryable", "retry_on"]
