"""The body of one worker thread: call fn, retrying per the RetryPolicy, and post the end.

A worker never decides a task's final status on its own: it posts what fn did to the
supervisor's queue, and the supervisor ignores posts from tasks it already reported
(timed out or abandoned on cancel).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from orgsweep.clock import Clock
from orgsweep.executor.context import set_current_task
from orgsweep.executor.retry import RetryPolicy
from orgsweep.executor.types import Task, TaskContext, TaskStatus

T = TypeVar("T")


@dataclass(eq=False)
class RunningTask(Generic[T]):
    """Book-keeping of one started task, shared by its worker thread and the supervisor.

    `attempts` is written by the worker only; `abandoned` by the supervisor only.
    """

    index: int
    task: Task[T]
    started: float
    deadline: float | None
    attempts: int = 0
    abandoned: bool = False


@dataclass(frozen=True, slots=True)
class Finished:
    """A worker's report: fn returned `value` (SUCCEEDED) or finally raised `error` (FAILED),
    at `finished_at` on the executor's clock."""

    record: RunningTask[Any]
    status: TaskStatus
    finished_at: float
    value: Any = None
    error: BaseException | None = None


def run_task(
    record: RunningTask[T],
    fn: Callable[[T], Any],
    *,
    retry: RetryPolicy | None,
    clock: Clock,
    cancel_requested: Callable[[], bool],
    post: Callable[[Finished], None],
) -> None:
    """Thread target. Always posts exactly one Finished, whatever fn or the policy raise."""

    def stop_requested() -> bool:
        return record.abandoned or cancel_requested()

    try:
        status, value, error = _attempts(record, fn, retry=retry, clock=clock, stop_requested=stop_requested)
    except BaseException as exc:  # the retry policy itself failed (e.g. is_retryable raised)
        status, value, error = TaskStatus.FAILED, None, exc
    post(Finished(record, status, clock.monotonic(), value, error))


def _attempts(
    record: RunningTask[T],
    fn: Callable[[T], Any],
    *,
    retry: RetryPolicy | None,
    clock: Clock,
    stop_requested: Callable[[], bool],
) -> tuple[TaskStatus, Any, BaseException | None]:
    while True:
        record.attempts += 1
        set_current_task(TaskContext(record.task.key, record.attempts, record.deadline, stop_requested))
        try:
            return TaskStatus.SUCCEEDED, fn(record.task.payload), None
        except BaseException as exc:  # every failure becomes an outcome, never a lost task
            error = exc
        finally:
            set_current_task(None)
        if retry is None or stop_requested() or not retry.should_retry(record.attempts, error):
            return TaskStatus.FAILED, None, error
        delay = retry.backoff_s(record.attempts)
        if record.deadline is not None and clock.monotonic() + delay >= record.deadline:
            return TaskStatus.FAILED, None, error  # the retry could not finish in time
        clock.sleep(delay)
        if stop_requested():  # cancelled or abandoned while backing off: no new attempt
            return TaskStatus.FAILED, None, error


__all__ = ["Finished", "RunningTask", "run_task"]
