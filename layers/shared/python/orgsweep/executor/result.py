"""The result of a run: one outcome per task, in submission order, and views over them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from orgsweep.executor.types import TaskOutcome, TaskStatus

R = TypeVar("R")

_ERROR_STATUSES = (TaskStatus.FAILED, TaskStatus.TIMED_OUT)


@dataclass(frozen=True, slots=True)
class ExecutionResult(Generic[R]):
    """outcomes: exactly one per submitted task, in submission order."""

    outcomes: list[TaskOutcome[R]]

    @property
    def data(self) -> dict[str, R | None]:
        """Value of every succeeded task by key (None when fn returned None)."""
        return {o.key: o.value for o in self.outcomes if o.status is TaskStatus.SUCCEEDED}

    @property
    def flattened(self) -> list[Any]:
        """Succeeded values in submission order: lists and tuples concatenated, other values
        appended, None skipped (a task with nothing to report returns None)."""
        items: list[Any] = []
        for outcome in self.outcomes:
            if outcome.status is not TaskStatus.SUCCEEDED or outcome.value is None:
                continue
            if isinstance(outcome.value, list | tuple):
                items.extend(outcome.value)
            else:
                items.append(outcome.value)
        return items

    @property
    def success_count(self) -> int:
        return self._count(TaskStatus.SUCCEEDED)

    @property
    def error_count(self) -> int:
        """Failed plus timed-out tasks."""
        return sum(1 for o in self.outcomes if o.status in _ERROR_STATUSES)

    @property
    def cancelled_count(self) -> int:
        return self._count(TaskStatus.CANCELLED)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def errors(self) -> dict[str, BaseException]:
        """The error of every failed or timed-out task by key."""
        return {o.key: o.error for o in self.outcomes if o.status in _ERROR_STATUSES and o.error is not None}

    def error_summary(self) -> dict[str, int]:
        """How many tasks failed with each exception type name; timed-out tasks count as 'timeout'."""
        counts: Counter[str] = Counter()
        for outcome in self.outcomes:
            if outcome.status is TaskStatus.TIMED_OUT:
                counts["timeout"] += 1
            elif outcome.status is TaskStatus.FAILED:
                counts[type(outcome.error).__name__ if outcome.error is not None else "unknown"] += 1
        return dict(sorted(counts.items()))

    def outcome(self, key: str) -> TaskOutcome[R]:
        """The outcome of the task called `key` (KeyError naming it if there is none)."""
        for candidate in self.outcomes:
            if candidate.key == key:
                return candidate
        raise KeyError(f"no task with key {key!r} in this result")

    def _count(self, status: TaskStatus) -> int:
        return sum(1 for o in self.outcomes if o.status is status)


__all__ = ["ExecutionResult"]
