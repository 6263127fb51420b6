"""What a running task can learn about itself, without changing fn's signature.

The executor calls fn(payload); a task that wants to cooperate with its time limit or with
cancellation asks for its context instead of being passed one::

    def scan(cell):
        return scan_cell(..., deadline=current_task_deadline())

    def crawl(pages):
        for page in pages:
            if current_task().stop_requested():  # cancelled, or already reported timed out
                break

The context lives in the worker thread only: threads that fn starts itself do not see it.
"""

from __future__ import annotations

from contextvars import ContextVar

from orgsweep.executor.types import TaskContext

# Each worker thread starts with an empty context, so a value set there is private to it.
_CURRENT: ContextVar[TaskContext | None] = ContextVar("orgsweep_executor_task", default=None)


def current_task() -> TaskContext | None:
    """The context of the task running in this thread, or None outside a task."""
    return _CURRENT.get()


def current_task_deadline() -> float | None:
    """The running task's deadline (a clock.monotonic() value), or None (no limit / no task)."""
    context = _CURRENT.get()
    return context.deadline if context is not None else None


def set_current_task(context: TaskContext | None) -> None:
    """Used by the executor's worker threads."""
    _CURRENT.set(context)


__all__ = ["current_task", "current_task_deadline", "set_current_task"]
