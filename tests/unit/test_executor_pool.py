"""ParallelExecutor: priority order, bounded concurrency, timeouts, stats and progress, errors.

Coordination uses threading.Event/Barrier; timeouts are driven by moving a FakeClock (the
supervisor re-reads the clock every 50 ms of real time). WAIT_S is only a safety net.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import pytest

from orgsweep.clock import SYSTEM_CLOCK, FakeClock
from orgsweep.executor import (
    DuplicateTaskError,
    ExecutionResult,
    ExecutorError,
    ExecutorStats,
    ParallelExecutor,
    Task,
    TaskStatus,
    TaskTimeoutError,
    current_task,
    current_task_deadline,
)

pytestmark = pytest.mark.unit

WAIT_S = 10.0


def _check_snapshot(stats: ExecutorStats) -> None:
    assert stats.submitted == stats.pending + stats.running + stats.completed + stats.cancelled
    assert stats.completed == stats.succeeded + stats.failed + stats.timed_out


def test_priority_order_with_one_worker(fake_clock: FakeClock) -> None:
    order: list[str] = []
    tasks = [Task("a", "a", 3), Task("b", "b", 1), Task("c", "c", 2), Task("d", "d", 1), Task("e", "e", -1)]

    result = ParallelExecutor(1, clock=fake_clock).run(order.append, tasks)

    assert order == ["e", "b", "d", "c", "a"]  # lower first, ties in submission order
    assert [o.key for o in result.outcomes] == ["a", "b", "c", "d", "e"]  # outcomes: submission order
    assert result.success_count == 5


def test_concurrency_reaches_but_never_exceeds_max_workers(fake_clock: FakeClock) -> None:
    lock = threading.Lock()
    running = 0
    peak = 0
    barrier = threading.Barrier(3, timeout=WAIT_S)  # a task finishes only once 3 run together
    snapshots: list[ExecutorStats] = []

    def fn(n: int) -> int:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        barrier.wait()
        with lock:
            running -= 1
        return n

    executor = ParallelExecutor(3, clock=fake_clock, on_progress=snapshots.append)
    result = executor.run(fn, [Task(f"t{n}", n) for n in range(9)])

    assert result.success_count == 9
    assert peak == 3
    assert max(s.running for s in snapshots) == 3
    assert result.flattened == list(range(9))


def test_many_tasks_few_workers_lose_nothing(fake_clock: FakeClock) -> None:
    result = ParallelExecutor(4, clock=fake_clock).run(lambda n: [n, n], [Task(str(n), n) for n in range(200)])
    assert result.total == 200
    assert result.flattened == [n for n in range(200) for _ in range(2)]


def test_timed_out_task_is_reported_at_its_deadline_and_frees_its_slot(fake_clock: FakeClock) -> None:
    release = threading.Event()
    seen_while_slow_blocked: list[bool] = []

    def fn(name: str) -> str:
        if name == "slow":
            fake_clock.advance(11)  # past its 10 s limit
            release.wait(WAIT_S)
            return "late"
        seen_while_slow_blocked.append(not release.is_set())
        return "ok"

    executor = ParallelExecutor(1, task_timeout_s=10, clock=fake_clock)
    try:
        result = executor.run(fn, [Task("slow", "slow"), Task("fast", "fast")])
    finally:
        release.set()

    slow = result.outcome("slow")
    assert slow.status is TaskStatus.TIMED_OUT
    assert isinstance(slow.error, TaskTimeoutError)
    assert (slow.value, slow.attempts, slow.duration_s) == (None, 1, 10)
    assert result.outcome("fast").value == "ok"
    assert seen_while_slow_blocked == [True]  # the slot was freed while the slow thread still ran
    assert result.error_summary() == {"timeout": 1}


def test_result_posted_after_the_deadline_counts_as_timed_out(fake_clock: FakeClock) -> None:
    def fn(_: None) -> str:
        fake_clock.advance(6)
        return "too late"

    result = ParallelExecutor(1, task_timeout_s=5, clock=fake_clock).run(fn, [Task("t", None)])
    assert result.outcome("t").status is TaskStatus.TIMED_OUT


def test_timeout_on_the_real_clock_abandons_the_thread() -> None:
    release = threading.Event()
    finished = threading.Event()

    def fn(_: None) -> None:
        release.wait(WAIT_S)
        finished.set()

    try:
        result = ParallelExecutor(1, task_timeout_s=0.05, clock=SYSTEM_CLOCK).run(fn, [Task("t", None)])
        assert not finished.is_set()  # run() returned while the task's thread was still blocked
    finally:
        release.set()
    assert result.outcome("t").status is TaskStatus.TIMED_OUT


def test_tasks_can_read_their_deadline(fake_clock: FakeClock) -> None:
    start = fake_clock.monotonic()

    def fn(_: None) -> tuple[str, int, float | None]:
        context = current_task()
        assert context is not None and not context.stop_requested()
        return context.key, context.attempt, current_task_deadline()

    limited = ParallelExecutor(2, task_timeout_s=30, clock=fake_clock).run(fn, [Task("k", None)])
    unlimited = ParallelExecutor(2, clock=fake_clock).run(fn, [Task("k", None)])

    assert limited.data["k"] == ("k", 1, start + 30)
    assert unlimited.data["k"] == ("k", 1, None)
    assert current_task() is None
    assert current_task_deadline() is None


def test_exceptions_become_failed_outcomes_with_the_exception_kept(fake_clock: FakeClock) -> None:
    errors: dict[int, Exception] = {}

    def fn(n: int) -> int:
        if n % 3 == 0:
            errors[n] = KeyError(n) if n == 3 else ValueError(n)
            raise errors[n]
        return n

    result = ParallelExecutor(3, clock=fake_clock).run(fn, [Task(str(n), n) for n in range(7)])

    assert (result.success_count, result.error_count, result.total) == (4, 3, 7)
    assert result.errors == {"0": errors[0], "3": errors[3], "6": errors[6]}
    assert result.error_summary() == {"KeyError": 1, "ValueError": 2}
    assert all(o.attempts == 1 for o in result.outcomes)


def test_stats_and_progress_follow_every_state_change(fake_clock: FakeClock) -> None:
    snapshots: list[ExecutorStats] = []
    live: list[ExecutorStats] = []
    executor = ParallelExecutor(1, clock=fake_clock, on_progress=snapshots.append)

    def fn(name: str) -> str:
        live.append(executor.stats())
        fake_clock.advance(1)
        if name == "c":
            raise RuntimeError("c broke")
        return name

    result = executor.run(fn, [Task(name, name) for name in "abcd"])

    assert len(snapshots) == 1 + 4 + 4  # run start, each start, each end
    assert (snapshots[0].submitted, snapshots[0].pending, snapshots[0].running) == (4, 4, 0)
    for snapshot in snapshots:
        _check_snapshot(snapshot)
        assert snapshot.running <= 1
    assert [s.completed for s in snapshots] == sorted(s.completed for s in snapshots)
    assert [(s.running, s.pending) for s in live] == [(1, 3), (1, 2), (1, 1), (1, 0)]

    final = snapshots[-1]
    assert (final.completed, final.succeeded, final.failed, final.pending, final.running) == (4, 3, 1, 0, 0)
    assert final.elapsed_s == pytest.approx(4)
    assert final.throughput_per_s == pytest.approx(1)
    assert executor.stats() == final
    assert result.error_count == 1


def test_a_failing_progress_callback_is_logged_and_the_run_goes_on(
    fake_clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_: ExecutorStats) -> None:
        raise RuntimeError("display gone")

    with caplog.at_level(logging.ERROR, logger="orgsweep.executor"):
        result = ParallelExecutor(2, clock=fake_clock, on_progress=broken).run(str, [Task("a", 1), Task("b", 2)])

    assert result.data == {"a": "1", "b": "2"}
    assert "on_progress callback failed" in caplog.text


def test_empty_run(fake_clock: FakeClock) -> None:
    executor = ParallelExecutor(2, clock=fake_clock)
    result: ExecutionResult[None] = executor.run(lambda _: None, [])
    assert result.total == 0
    assert executor.stats().submitted == 0


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: ParallelExecutor(0), ValueError, "max_workers"),
        (lambda: ParallelExecutor(True), ValueError, "max_workers"),
        (lambda: ParallelExecutor(2, task_timeout_s=0), ValueError, "task_timeout_s"),
        (lambda: ParallelExecutor(2).run(str, [Task("a", 1), Task("a", 2)]), DuplicateTaskError, "'a'"),
        (lambda: ParallelExecutor(2).run(str, [("a", 1)]), TypeError, "Task"),  # type: ignore[list-item]
        (lambda: ParallelExecutor(2).run(str, [], drain_timeout_s=-1), ValueError, "drain_timeout_s"),
        (lambda: Task("", 1), ValueError, "key"),
        (lambda: Task("a", 1, priority=1.5), ValueError, "priority"),  # type: ignore[arg-type]
    ],
)
def test_bad_input_is_named(make: Callable[[], object], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        make()


def test_one_run_at_a_time(fake_clock: FakeClock) -> None:
    executor = ParallelExecutor(1, clock=fake_clock)
    started = threading.Event()
    release = threading.Event()

    def block(_: None) -> None:
        started.set()
        release.wait(WAIT_S)

    runner = threading.Thread(target=executor.run, args=(block, [Task("t", None)]))
    runner.start()
    try:
        assert started.wait(WAIT_S)
        with pytest.raises(ExecutorError, match="already running"):
            executor.run(str, [Task("u", 1)])
    finally:
        release.set()
        runner.join(WAIT_S)
    assert executor.run(str, [Task("u", 1)]).data == {"u": "1"}  # reusable afterwards
