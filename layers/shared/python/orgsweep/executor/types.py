"""Value types of the parallel executor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

from orgsweep.executor.exceptions import ExecutorConfigError

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Task(Generic[T]):
    """One unit of work. Lower `priority` runs first; equal priorities run in submission order."""

    key: str
    payload: T
    priority: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not self.key:
            raise ExecutorConfigError(f"Task.key must be a non-empty string, got {self.key!r}")
        if not isinstance(self.priority, int) or isinstance(self.priority, bool):
            raise ExecutorConfigError(f"Task.priority must be an int, got {self.priority!r}")


class TaskStatus(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # fn raised (after any retries); the exception is kept
    TIMED_OUT = "timed_out"  # ran past task_timeout_s; reported at the deadline
    CANCELLED = "cancelled"  # never started, or abandoned after the cancel drain timeout


@dataclass(frozen=True, slots=True)
class TaskOutcome(Generic[R]):
    """What became of one task. Every submitted task gets exactly one outcome.

    attempts: calls of fn made (0 when it never started).
    duration_s: from start (first attempt) to outcome, on the executor's clock; 0 if never started.
    """

    key: str
    status: TaskStatus
    value: R | None = None
    error: BaseException | None = None
    attempts: int = 0
    duration_s: float = 0.0

    @property
    def succeeded(self) -> bool:
        return self.status is TaskStatus.SUCCEEDED


@dataclass(frozen=True, slots=True)
class ExecutorStats:
    """A snapshot of a run. submitted == pending + running + completed + cancelled.

    completed: tasks that ran to an end: succeeded + failed + timed_out.
    throughput_per_s: completed / elapsed_s (0 before any time passed).
    """

    submitted: int = 0
    completed: int = 0
    succeeded: int = 0
    failed: int = 0
    timed_out: int = 0
    cancelled: int = 0
    pending: int = 0
    running: int = 0
    elapsed_s: float = 0.0

    @property
    def throughput_per_s(self) -> float:
        return self.completed / self.elapsed_s if self.elapsed_s > 0 else 0.0


@dataclass(frozen=True, slots=True)
class TaskContext:
    """What a running task may learn about itself (see orgsweep.executor.current_task).

    deadline: clock.monotonic() value at which the task will be reported timed_out (None
    without task_timeout_s). Pass it on, e.g. to a rate limiter's acquire(deadline=...),
    so the task stops on time instead of being abandoned.
    """

    key: str
    attempt: int
    deadline: float | None
    _stop_requested: Callable[[], bool] = field(repr=False, compare=False)

    def stop_requested(self) -> bool:
        """True once the run is cancelled or this task was abandoned (timed out)."""
        return self._stop_requested()


__all__ = ["ExecutorStats", "Task", "TaskContext", "TaskOutcome", "TaskStatus"]
