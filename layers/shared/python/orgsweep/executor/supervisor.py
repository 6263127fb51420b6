"""One run of the executor: the supervisor loop, owned by the thread that called run().

It is the only thread that changes the run's state: workers post reports to the inbox and
the supervisor turns them into outcomes, so outcome bookkeeping needs no lock and progress
callbacks come from one thread.
"""

from __future__ import annotations

import heapq
import queue
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from orgsweep.clock import Clock
from orgsweep.executor.exceptions import ExecutorError, TaskCancelledError, TaskTimeoutError
from orgsweep.executor.result import ExecutionResult
from orgsweep.executor.retry import RetryPolicy
from orgsweep.executor.types import ExecutorStats, Task, TaskOutcome, TaskStatus
from orgsweep.executor.worker import Finished, RunningTask, run_task

T = TypeVar("T")
R = TypeVar("R")

POLL_S = 0.05  # longest real-time wait before the supervisor re-reads the clock


class CancelSignal:
    """The cancel request. request() writes attributes and puts on a SimpleQueue (whose put()
    is reentrant), so it is safe from any thread and from a signal handler."""

    def __init__(self) -> None:
        self.inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self.requested = False
        self.drain_s: float | None = None

    def request(self, drain_s: float | None) -> None:
        if drain_s is not None:
            self.drain_s = drain_s
        self.requested = True
        self.inbox.put(self)  # wakes the supervisor

    def clear(self) -> None:
        self.requested = False
        self.drain_s = None


class Supervisor(Generic[T, R]):
    """Dispatch in (priority, submission) order, collect reports, enforce deadlines."""

    def __init__(
        self,
        fn: Callable[[T], R],
        tasks: list[Task[T]],
        *,
        max_workers: int,
        task_timeout_s: float | None,
        retry: RetryPolicy | None,
        clock: Clock,
        cancel: CancelSignal,
        drain_s: float | None,
        publish: Callable[[ExecutorStats], None],
    ) -> None:
        self._fn = fn
        self._tasks = tasks
        self._max_workers = max_workers
        self._timeout_s = task_timeout_s
        self._retry = retry
        self._clock = clock
        self._cancel = cancel
        self._drain_s = drain_s
        self._publish = publish
        self._heap = [(task.priority, index) for index, task in enumerate(tasks)]
        heapq.heapify(self._heap)
        self._running: set[RunningTask[T]] = set()
        self._outcomes: list[TaskOutcome[R] | None] = [None] * len(tasks)
        self._by_status: Counter[TaskStatus] = Counter()
        self._cancelling = False
        self._drain_deadline: float | None = None

    def execute(self) -> ExecutionResult[R]:
        self._discard_stale_posts()
        self._publish(self.counts())
        while True:
            self._check_cancel()
            self._dispatch()
            if not self._running and not self._heap:
                break
            self._wait_and_collect()
            self._expire()
        outcomes = [outcome for outcome in self._outcomes if outcome is not None]
        if len(outcomes) != len(self._tasks):  # cannot happen; never return a result missing tasks
            raise ExecutorError(f"internal error: {len(self._tasks) - len(outcomes)} task(s) without an outcome")
        return ExecutionResult(outcomes)

    def counts(self) -> ExecutorStats:
        succeeded = self._by_status[TaskStatus.SUCCEEDED]
        failed = self._by_status[TaskStatus.FAILED]
        timed_out = self._by_status[TaskStatus.TIMED_OUT]
        return ExecutorStats(
            submitted=len(self._tasks),
            completed=succeeded + failed + timed_out,
            succeeded=succeeded,
            failed=failed,
            timed_out=timed_out,
            cancelled=self._by_status[TaskStatus.CANCELLED],
            pending=len(self._heap),
            running=len(self._running),
        )

    def _discard_stale_posts(self) -> None:
        # late reports of threads abandoned by an earlier run, and wake-ups of earlier cancels
        try:
            while True:
                self._cancel.inbox.get_nowait()
        except queue.Empty:
            pass

    def _check_cancel(self) -> None:
        if self._cancelling or not self._cancel.requested:
            return
        self._cancelling = True
        drain_s = self._cancel.drain_s if self._cancel.drain_s is not None else self._drain_s
        if drain_s is not None:
            self._drain_deadline = self._clock.monotonic() + drain_s
        if self._heap:
            for _, index in sorted(self._heap):
                key = self._tasks[index].key
                error = TaskCancelledError(key, "the run was cancelled before it started")
                self._record(index, TaskOutcome(key, TaskStatus.CANCELLED, error=error))
            self._heap.clear()
            self._publish(self.counts())

    def _dispatch(self) -> None:
        # the flag is re-read per task: nothing starts once cancel() has returned
        while self._heap and len(self._running) < self._max_workers and not self._cancel.requested:
            _, index = heapq.heappop(self._heap)
            started = self._clock.monotonic()
            deadline = started + self._timeout_s if self._timeout_s is not None else None
            record = RunningTask(index, self._tasks[index], started, deadline)
            thread = threading.Thread(
                target=run_task,
                args=(record, self._fn),
                kwargs={
                    "retry": self._retry,
                    "clock": self._clock,
                    "cancel_requested": lambda: self._cancel.requested,
                    "post": self._cancel.inbox.put,
                },
                name=f"orgsweep-task-{record.task.key}",
                daemon=True,  # an abandoned (timed-out) task must not keep the process alive
            )
            self._running.add(record)
            self._publish(self.counts())  # before start: the task sees itself counted as running
            try:
                thread.start()
            except RuntimeError as exc:  # e.g. the OS refused a thread: still an outcome
                self._finish(record, TaskStatus.FAILED, error=exc)

    def _wait_and_collect(self) -> None:
        wake_at = [r.deadline for r in self._running if r.deadline is not None]
        if self._drain_deadline is not None:
            wake_at.append(self._drain_deadline)
        timeout = POLL_S
        if wake_at:
            timeout = min(max(min(wake_at) - self._clock.monotonic(), 0.0), POLL_S)
        try:
            item = self._cancel.inbox.get(timeout=timeout)
            while True:
                if isinstance(item, Finished):
                    self._collect(item)
                item = self._cancel.inbox.get_nowait()
        except queue.Empty:
            pass

    def _collect(self, report: Finished) -> None:
        record: RunningTask[T] = report.record
        if record not in self._running:
            return  # already reported timed out or cancelled: the late result is ignored
        if record.deadline is not None and report.finished_at > record.deadline:
            self._time_out(record)  # finished, but too late: same outcome whenever we look
            return
        self._finish(record, report.status, value=report.value, error=report.error, end=report.finished_at)

    def _expire(self) -> None:
        now = self._clock.monotonic()
        for record in sorted(self._running, key=lambda r: r.index):
            if record.deadline is not None and now >= record.deadline:
                self._time_out(record)
        if self._drain_deadline is not None and now >= self._drain_deadline:
            for record in sorted(self._running, key=lambda r: r.index):
                record.abandoned = True
                error = TaskCancelledError(record.task.key, "still running when the cancel drain timeout expired")
                self._finish(record, TaskStatus.CANCELLED, error=error, end=now)

    def _time_out(self, record: RunningTask[T]) -> None:
        record.abandoned = True
        timeout_s = self._timeout_s if self._timeout_s is not None else 0.0
        error = TaskTimeoutError(record.task.key, timeout_s)
        self._finish(record, TaskStatus.TIMED_OUT, error=error, end=record.deadline)

    def _finish(
        self,
        record: RunningTask[T],
        status: TaskStatus,
        *,
        value: Any = None,
        error: BaseException | None = None,
        end: float | None = None,
    ) -> None:
        self._running.discard(record)
        end = end if end is not None else self._clock.monotonic()
        outcome: TaskOutcome[R] = TaskOutcome(
            record.task.key,
            status,
            value=value,
            error=error,
            attempts=record.attempts,
            duration_s=max(end - record.started, 0.0),
        )
        self._record(record.index, outcome)
        self._publish(self.counts())

    def _record(self, index: int, outcome: TaskOutcome[R]) -> None:
        self._outcomes[index] = outcome
        self._by_status[outcome.status] += 1


__all__ = ["POLL_S", "CancelSignal", "Supervisor"]
