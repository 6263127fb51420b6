"""A bounded, prioritised worker pool: the local engine's cells, or any fan-out of slow calls.

Typical use::

    executor = ParallelExecutor(10, task_timeout_s=300, on_progress=show)
    result = executor.run(scan, [Task(cell.key, cell, cell.priority) for cell in cells])
    result.flattened, result.error_summary()   # every task has exactly one outcome
"""

from orgsweep.executor.context import current_task, current_task_deadline
from orgsweep.executor.exceptions import (
    DuplicateTaskError,
    ExecutorConfigError,
    ExecutorError,
    TaskCancelledError,
    TaskTimeoutError,
)
from orgsweep.executor.pool import ParallelExecutor
from orgsweep.executor.result import ExecutionResult
from orgsweep.executor.retry import RetryPolicy, retry_on
from orgsweep.executor.types import ExecutorStats, Task, TaskContext, TaskOutcome, TaskStatus

__all__ = [
    "DuplicateTaskError",
    "ExecutionResult",
    "ExecutorConfigError",
    "ExecutorError",
    "ExecutorStats",
    "ParallelExecutor",
    "RetryPolicy",
    "Task",
    "TaskCancelledError",
    "TaskContext",
    "TaskOutcome",
    "TaskStatus",
    "TaskTimeoutError",
    "current_task",
    "current_task_deadline",
    "retry_on",
]
