"""ParallelExecutor: a bounded, prioritised worker pool with timeouts, retries and graceful cancel.

Dispatch: not-started tasks wait in a heap ordered by (priority, submission order); a daemon
worker thread is started per task while fewer than max_workers run. run() itself is the
supervisor (orgsweep.executor.supervisor): on_progress is always called from it, one call at
a time, after every state change (run start, task start, task end, pending tasks cancelled).

Timeouts: a thread cannot be killed. When a task passes task_timeout_s (measured from its
start, across all its attempts and backoffs), it is reported timed_out at its deadline, its
slot goes to the next task, and its thread is abandoned: a daemon, so it cannot keep the
process alive; whatever it returns later is ignored (a result posted after the deadline
counts as timed out too). Abandoned threads may still be running, so more than max_workers
threads can exist for a while, but never more than max_workers running tasks. Tasks that can
stop early should read their deadline: current_task_deadline() / current_task().

Cancel: cancel() only sets a flag and wakes the supervisor, so it is safe from any thread and
from a signal handler (the CLI installs one for SIGINT; KeyboardInterrupt itself is not
caught). Nothing new starts once it has returned; every not-started task is reported
cancelled; running tasks finish, or, when a drain timeout (cancel()'s, else run()'s) expires,
are abandoned and reported cancelled. Retries stop at cancel: a task in backoff reports its
last error. A cancel() while no run is in progress cancels the next run.

Time: deadlines are clock.monotonic() values and the supervisor re-reads the clock at least
every 50 ms of real time, so tests drive timeouts by moving a FakeClock.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TypeVar

from orgsweep.clock import SYSTEM_CLOCK, Clock
from orgsweep.executor.exceptions import DuplicateTaskError, ExecutorConfigError, ExecutorError
from orgsweep.executor.result import ExecutionResult
from orgsweep.executor.retry import RetryPolicy
from orgsweep.executor.supervisor import CancelSignal, Supervisor
from orgsweep.executor.types import ExecutorStats, Task

T = TypeVar("T")
R = TypeVar("R")

_LOG = logging.getLogger(__name__)


def _seconds_or_none(name: str, value: float | None, *, allow_zero: bool) -> float | None:
    if value is None:
        return None
    number = float(value)
    if not math.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ExecutorConfigError(f"{name} must be None or a finite number {bound}, got {value!r}")
    return number


class ParallelExecutor:
    """Run fn(task.payload) for every task on at most `max_workers` threads (see module doc)."""

    def __init__(
        self,
        max_workers: int,
        *,
        task_timeout_s: float | None = None,
        retry: RetryPolicy | None = None,
        clock: Clock = SYSTEM_CLOCK,
        on_progress: Callable[[ExecutorStats], None] | None = None,
    ) -> None:
        if not isinstance(max_workers, int) or isinstance(max_workers, bool) or max_workers < 1:
            raise ExecutorConfigError(f"max_workers must be an int >= 1, got {max_workers!r}")
        self.max_workers = max_workers
        self.task_timeout_s = _seconds_or_none("task_timeout_s", task_timeout_s, allow_zero=False)
        self.retry = retry
        self.clock = clock
        self.on_progress = on_progress
        self._cancel = CancelSignal()
        self._lock = threading.Lock()  # guards the fields below
        self._active = False
        self._counts = ExecutorStats()
        self._started_at: float | None = None
        self._finished_at: float | None = None

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.requested

    def cancel(self, *, drain_timeout_s: float | None = None) -> None:
        """Stop starting tasks; let running ones finish (for at most drain_timeout_s if given).

        Safe from any thread and from a signal handler. Returns at once; run() returns when
        the running tasks are done.
        """
        drain_s = _seconds_or_none("drain_timeout_s", drain_timeout_s, allow_zero=True)
        self._cancel.request(drain_s)

    def stats(self) -> ExecutorStats:
        """A live snapshot of the current (or last) run."""
        with self._lock:
            return self._with_elapsed(self._counts)

    def run(
        self, fn: Callable[[T], R], tasks: Iterable[Task[T]], *, drain_timeout_s: float | None = None
    ) -> ExecutionResult[R]:
        """Run every task; return exactly one outcome per task, in submission order.

        Exceptions raised by fn become failed outcomes (the exception is kept); they never
        propagate. drain_timeout_s bounds how long a cancelled run waits for running tasks.
        """
        task_list = _checked_tasks(tasks)
        drain_s = _seconds_or_none("drain_timeout_s", drain_timeout_s, allow_zero=True)
        with self._lock:
            if self._active:
                raise ExecutorError("this ParallelExecutor is already running; use one executor per concurrent run")
            self._active = True
            self._counts = ExecutorStats(submitted=len(task_list), pending=len(task_list))
            self._started_at, self._finished_at = self.clock.monotonic(), None
        supervisor: Supervisor[T, R] = Supervisor(
            fn,
            task_list,
            max_workers=self.max_workers,
            task_timeout_s=self.task_timeout_s,
            retry=self.retry,
            clock=self.clock,
            cancel=self._cancel,
            drain_s=drain_s,
            publish=self._publish,
        )
        try:
            return supervisor.execute()
        finally:
            self._cancel.clear()
            with self._lock:
                self._active = False
                self._finished_at = self.clock.monotonic()

    def _publish(self, counts: ExecutorStats) -> None:
        with self._lock:
            self._counts = counts
            snapshot = self._with_elapsed(counts)
        if self.on_progress is not None:
            try:
                self.on_progress(snapshot)
            except Exception:  # a broken progress display must not cost the run its tasks
                _LOG.exception("on_progress callback failed; the run continues")

    def _with_elapsed(self, counts: ExecutorStats) -> ExecutorStats:
        # caller holds the lock
        if self._started_at is None:
            return counts
        end = self._finished_at if self._finished_at is not None else self.clock.monotonic()
        return replace(counts, elapsed_s=max(end - self._started_at, 0.0))


def _checked_tasks(tasks: Iterable[Task[T]]) -> list[Task[T]]:
    task_list = list(tasks)
    seen: set[str] = set()
    for task in task_list:
        if not isinstance(task, Task):
            raise TypeError(f"tasks must be orgsweep.executor.Task objects, got {type(task).__name__}")
        if task.key in seen:
            raise DuplicateTaskError(f"duplicate task key {task.key!r}: results are keyed by task key")
        seen.add(task.key)
    return task_list


__all__ = ["ParallelExecutor"]
