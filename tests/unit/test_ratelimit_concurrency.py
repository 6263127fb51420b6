"""TokenBucket under real threads: never more than burst + rate * t tokens granted.

FakeClock.sleep advances the shared time instantly, so N threads sleeping "at once" move
time N times: the bound still holds but is loose. The tight test uses SteppedClock, where a
sleeper blocks until a driver moves time, and the driver only moves it (in small steps) when
every live worker is asleep. Time then advances exactly as it would on a real clock, and the
outcome does not depend on thread scheduling.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from orgsweep.clock import FakeClock
from orgsweep.ratelimit import TokenBucket

pytestmark = pytest.mark.unit

JOIN_TIMEOUT_S = 30.0  # a safety net against hangs, never reached when the code is right


class SteppedClock:
    """Time moves only in advance(); sleep() blocks until time reaches its target."""

    def __init__(self, start: float = 1000.0) -> None:
        self._cond = threading.Condition()
        self._now = start
        self._targets: list[float] = []  # wake-up times of the threads asleep now
        self._active = 0

    def monotonic(self) -> float:
        with self._cond:
            return self._now

    def now(self) -> datetime:
        return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=self.monotonic())

    def sleep(self, seconds: float) -> None:
        with self._cond:
            target = self._now + seconds
            if target <= self._now:
                return
            self._targets.append(target)
            self._cond.notify_all()
            while self._now < target:
                self._cond.wait()

    def join(self) -> None:
        with self._cond:
            self._active += 1

    def leave(self) -> None:
        with self._cond:
            self._active -= 1
            self._cond.notify_all()

    def wait_all_asleep(self) -> bool:
        """Block until every active thread sleeps; False once none is active."""
        with self._cond:
            settled = self._cond.wait_for(lambda: len(self._targets) == self._active, timeout=JOIN_TIMEOUT_S)
            assert settled, "workers neither slept nor finished"
            return self._active > 0

    def advance(self, seconds: float) -> None:
        with self._cond:
            self._now += seconds
            # the woken no longer count as asleep, so wait_all_asleep waits for them to settle
            self._targets = [t for t in self._targets if t > self._now]
            self._cond.notify_all()


def _run_workers(
    bucket: TokenBucket, threads: int, per_thread: int, clock: SteppedClock | None = None
) -> tuple[list[threading.Thread], list[BaseException]]:
    """Start `threads` threads that each acquire one token `per_thread` times."""
    failures: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(per_thread):
                bucket.acquire()
        except BaseException as exc:  # surfaced by the callers' assertions
            failures.append(exc)
        finally:
            if clock is not None:
                clock.leave()

    workers = [threading.Thread(target=work, daemon=True) for _ in range(threads)]
    for worker in workers:
        if clock is not None:
            clock.join()
        worker.start()
    return workers, failures


def test_threads_on_fake_clock_never_exceed_burst_plus_rate_times_elapsed(fake_clock: FakeClock) -> None:
    rate, burst, threads, per_thread = 5.0, 10.0, 6, 20
    bucket = TokenBucket(rate, burst, clock=fake_clock)
    start = fake_clock.monotonic()

    workers, failures = _run_workers(bucket, threads, per_thread)
    for worker in workers:
        worker.join(JOIN_TIMEOUT_S)

    assert failures == []

    granted = bucket.stats().acquired
    assert granted == threads * per_thread
    assert granted <= burst + rate * (fake_clock.monotonic() - start) + 1e-6


@pytest.mark.parametrize(("rate", "burst", "threads", "per_thread"), [(5.0, 10.0, 4, 15), (2.0, 1.0, 3, 4)])
def test_threads_on_stepped_clock_are_paced_exactly(rate: float, burst: float, threads: int, per_thread: int) -> None:
    clock = SteppedClock()
    bucket = TokenBucket(rate, burst, clock=clock)
    start = clock.monotonic()
    step = 0.25 / rate  # four steps per token interval
    workers, failures = _run_workers(bucket, threads, per_thread, clock)

    while clock.wait_all_asleep():
        elapsed = clock.monotonic() - start
        # every grant so far happened at or before `elapsed`
        assert bucket.stats().acquired <= burst + rate * elapsed + 1e-6
        clock.advance(step)
    for worker in workers:
        worker.join(JOIN_TIMEOUT_S)

    total = threads * per_thread
    elapsed = clock.monotonic() - start
    assert failures == []
    assert bucket.stats().acquired == total
    # and no caller slept longer than needed: done within one step of the ideal schedule
    ideal = (total - burst) / rate
    assert ideal - 1e-6 <= elapsed <= ideal + 2 * step
