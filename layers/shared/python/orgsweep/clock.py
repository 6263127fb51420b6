"""Time as a dependency: everything that waits or timestamps takes a `Clock`.

Production code uses `SystemClock`; tests pass `FakeClock`, whose `sleep` advances time
instantly, so rate-limiter and timeout behaviour is tested exactly and without waiting;
`ScaledClock` compresses real time for multi-threaded runs (a whole sweep under a preset).
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Monotonic time for durations, wall time (UTC) for timestamps, and sleeping."""

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to (or when something sleeps on it). Thread-safe."""

    def __init__(self, start: datetime | None = None, monotonic_start: float = 1000.0) -> None:
        self._lock = threading.Lock()
        self._monotonic = monotonic_start
        self._wall = start or datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
        self.slept: list[float] = []

    def monotonic(self) -> float:
        with self._lock:
            return self._monotonic

    def now(self) -> datetime:
        with self._lock:
            return self._wall

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
        self.advance(max(seconds, 0.0))

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._monotonic += seconds
            self._wall += timedelta(seconds=seconds)


class ScaledClock:
    """The real clock running `speedup` times faster, for tests of real waits and budgets.

    sleep(s) sleeps s / speedup real seconds; monotonic() and now() advance `speedup` seconds
    per real second. Unlike FakeClock, concurrent sleeps overlap as they do in real time, so
    many threads waiting on rate limiters see the time a real run would, compressed.
    """

    def __init__(self, speedup: float) -> None:
        if not speedup > 0:
            raise ValueError(f"speedup must be > 0, got {speedup!r}")
        self.speedup = float(speedup)
        self._origin = time.monotonic()
        self._wall_origin = datetime.now(UTC)

    def _elapsed(self) -> float:
        return (time.monotonic() - self._origin) * self.speedup

    def monotonic(self) -> float:
        return self._origin + self._elapsed()

    def sleep(self, seconds: float) -> None:
        time.sleep(max(seconds, 0.0) / self.speedup)

    def now(self) -> datetime:
        return self._wall_origin + timedelta(seconds=self._elapsed())


SYSTEM_CLOCK = SystemClock()


def as_utc(value: datetime) -> datetime:
    """`value` in UTC; a naive datetime is taken to be UTC already (AWS wire times are UTC)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iso_utc(value: datetime | None) -> str | None:
    """ISO-8601 in UTC with an explicit +00:00 offset; None stays None."""
    return None if value is None else as_utc(value).isoformat()

__all__ = ["SYSTEM_CLOCK", "Clock", "FakeClock", "ScaledClock", "SystemClock", "as_utc", "iso_utc"]
