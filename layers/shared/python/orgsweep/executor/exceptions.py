"""Errors of the parallel executor."""

from __future__ import annotations

from orgsweep.exceptions import OrgSweepError


class ExecutorError(OrgSweepError):
    """Base class of the executor's errors (and misuse, e.g. two runs at once)."""


class ExecutorConfigError(ExecutorError, ValueError):
    """A setting out of range: worker count, time limit, retry policy or task key/priority."""


class DuplicateTaskError(ExecutorError, ValueError):
    """Two tasks of one run share a key; results are keyed by it, so keys must be unique."""


class TaskTimeoutError(ExecutorError, TimeoutError):
    """Kept as the error of a task that ran past its time limit."""

    def __init__(self, key: str, timeout_s: float) -> None:
        self.key = key
        self.timeout_s = timeout_s
        super().__init__(f"task {key!r} did not finish within {timeout_s:g}s; its thread was abandoned")


class TaskCancelledError(ExecutorError):
    """Kept as the error of a task the run was cancelled before or while it ran."""

    def __init__(self, key: str, reason: str) -> None:
        self.key = key
        self.reason = reason
        super().__init__(f"task {key!r} cancelled: {reason}")


__all__ = ["DuplicateTaskError", "ExecutorConfigError", "ExecutorError", "TaskCancelledError", "TaskTimeoutError"]
