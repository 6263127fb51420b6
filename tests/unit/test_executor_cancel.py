"""Graceful cancel: nothing new starts, running tasks finish (or are abandoned after the drain
timeout), every not-started task is reported cancelled, counts are exact."""

from __future__ import annotations

import signal
import threading
from typing import Any

import pytest

from orgsweep.clock import FakeClock
from orgsweep.executor import (
    ExecutionResult,
    ExecutorStats,
    ParallelExecutor,
    Task,
    TaskCancelledError,
    TaskStatus,
)

pytestmark = pytest.mark.unit

WAIT_S = 10.0


class Blocking:
    """fn whose tasks named in `blockers` signal `started[key]` and then wait for `release`."""

    def __init__(self, blockers: list[str]) -> None:
        self.started = {key: threading.Event() for key in blockers}
        self.release = threading.Event()
        self.ran: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, key: str) -> str:
        with self._lock:
            self.ran.append(key)
        if key in self.started:
            self.started[key].set()
            self.release.wait(WAIT_S)
        return key.upper()

    def wait_started(self) -> None:
        for event in self.started.values():
            assert event.wait(WAIT_S)


class Background:
    """executor.run on another thread, so the test thread can cancel it."""

    def __init__(self, executor: ParallelExecutor, fn: Any, tasks: list[Task[str]], **kwargs: Any) -> None:
        self.result: ExecutionResult[str] | None = None
        self._thread = threading.Thread(target=self._run, args=(executor, fn, tasks, kwargs), daemon=True)
        self._thread.start()

    def _run(self, executor: ParallelExecutor, fn: Any, tasks: list[Task[str]], kwargs: dict[str, Any]) -> None:
        self.result = executor.run(fn, tasks, **kwargs)

    def join(self) -> ExecutionResult[str]:
        self._thread.join(WAIT_S)
        assert self.result is not None, "run() did not return"
        return self.result


def _tasks(n: int, running_first: int) -> list[Task[str]]:
    return [Task(f"t{i}", f"t{i}", 0 if i < running_first else 1) for i in range(n)]


def test_cancel_lets_running_tasks_finish_and_cancels_the_rest(fake_clock: FakeClock) -> None:
    fn = Blocking(["t0", "t1"])
    snapshots: list[ExecutorStats] = []
    executor = ParallelExecutor(2, clock=fake_clock, on_progress=snapshots.append)
    run = Background(executor, fn, _tasks(6, running_first=2))
    fn.wait_started()

    executor.cancel()
    assert executor.cancel_requested
    fn.release.set()
    result = run.join()

    assert sorted(fn.ran) == ["t0", "t1"]  # nothing started after cancel()
    assert [o.status for o in result.outcomes] == [TaskStatus.SUCCEEDED] * 2 + [TaskStatus.CANCELLED] * 4
    assert result.data == {"t0": "T0", "t1": "T1"}
    assert (result.success_count, result.error_count, result.cancelled_count, result.total) == (2, 0, 4, 6)
    for outcome in result.outcomes[2:]:
        assert isinstance(outcome.error, TaskCancelledError)
        assert (outcome.attempts, outcome.duration_s) == (0, 0)
    final = snapshots[-1]
    assert (final.succeeded, final.cancelled, final.pending, final.running) == (2, 4, 0, 0)
    assert not executor.cancel_requested  # cleared when the run ended


@pytest.mark.parametrize(("cancel_kwargs", "run_kwargs"), [({"drain_timeout_s": 5}, {}), ({}, {"drain_timeout_s": 5})])
def test_running_tasks_are_abandoned_when_the_drain_timeout_expires(
    fake_clock: FakeClock, cancel_kwargs: dict[str, float], run_kwargs: dict[str, float]
) -> None:
    fn = Blocking(["t0"])
    pending_cancelled = threading.Event()

    def progress(stats: ExecutorStats) -> None:
        if stats.cancelled == 2:  # the supervisor has seen the cancel and started the drain clock
            pending_cancelled.set()

    executor = ParallelExecutor(1, clock=fake_clock, on_progress=progress)
    run = Background(executor, fn, _tasks(3, running_first=1), **run_kwargs)
    fn.wait_started()
    try:
        executor.cancel(**cancel_kwargs)
        assert pending_cancelled.wait(WAIT_S)
        fake_clock.advance(4)
        assert run.result is None  # still draining
        fake_clock.advance(2)
        result = run.join()
    finally:
        fn.release.set()

    stuck = result.outcome("t0")
    assert stuck.status is TaskStatus.CANCELLED
    assert isinstance(stuck.error, TaskCancelledError)
    assert "drain timeout" in str(stuck.error)
    assert (stuck.attempts, stuck.duration_s) == (1, 6)
    assert (result.cancelled_count, result.total) == (3, 3)


def test_cancel_before_run_cancels_that_run_only(fake_clock: FakeClock) -> None:
    fn = Blocking([])
    executor = ParallelExecutor(2, clock=fake_clock)
    executor.cancel()

    first = executor.run(fn, _tasks(3, running_first=0))
    second = executor.run(fn, _tasks(3, running_first=0))

    assert (first.cancelled_count, first.total) == (3, 3)
    assert second.success_count == 3
    assert sorted(fn.ran) == ["t0", "t1", "t2"]


@pytest.mark.skipif(not hasattr(signal, "SIGUSR1"), reason="needs POSIX signals")
def test_cancel_from_a_signal_handler(fake_clock: FakeClock) -> None:
    executor = ParallelExecutor(1, clock=fake_clock)
    handled = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        executor.cancel()
        handled.set()

    def fn(key: str) -> str:
        if key == "t0":
            signal.raise_signal(signal.SIGUSR1)  # handled in the main thread, inside run()
            assert handled.wait(WAIT_S)
        return key

    previous = signal.signal(signal.SIGUSR1, on_signal)
    try:
        result = executor.run(fn, _tasks(4, running_first=1))  # run() on the main thread
    finally:
        signal.signal(signal.SIGUSR1, previous)

    assert result.data == {"t0": "t0"}
    assert result.cancelled_count == 3
