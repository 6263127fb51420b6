"""Follow a Step Functions execution of the workflow until it ends, with Distributed Map item counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from orgsweep.clock import SYSTEM_CLOCK, Clock
from orgsweep_local.cli.types import ExecutionProgress

RUNNING = "RUNNING"
PENDING_STATUSES = frozenset({RUNNING, "PENDING_REDRIVE"})


def map_item_counts(sfn: Any, execution_arn: str) -> dict[str, int]:
    """Summed item counts of the execution's map runs ({} before the Sweep state starts)."""
    totals: dict[str, int] = {}
    try:
        runs = sfn.list_map_runs(executionArn=execution_arn).get("mapRuns", [])
        for run in runs:
            counts = sfn.describe_map_run(mapRunArn=run["mapRunArn"]).get("itemCounts", {})
            for name, value in counts.items():
                if isinstance(value, int):
                    totals[name] = totals.get(name, 0) + value
    except ClientError:
        return {}  # map run APIs lag the execution; the next poll retries
    return totals


def progress_of(status: str, counts: dict[str, int]) -> ExecutionProgress:
    done = sum(counts.get(k, 0) for k in ("succeeded", "failed", "timedOut", "aborted"))
    return ExecutionProgress(status, counts.get("total", 0), done, counts)


def wait_for_execution(
    sfn: Any,
    execution_arn: str,
    *,
    on_update: Callable[[ExecutionProgress], None] | None = None,
    poll_s: float = 5.0,
    clock: Clock = SYSTEM_CLOCK,
    timeout_s: float | None = None,
) -> dict[str, Any]:
    """Poll describe_execution until the execution leaves RUNNING; return the last description.

    Raises TimeoutError when `timeout_s` passes first (the execution keeps running).
    """
    started = clock.monotonic()
    while True:
        description: dict[str, Any] = sfn.describe_execution(executionArn=execution_arn)
        status = description["status"]
        if on_update is not None:
            on_update(progress_of(status, map_item_counts(sfn, execution_arn)))
        if status not in PENDING_STATUSES:
            return description
        if timeout_s is not None and clock.monotonic() - started > timeout_s:
            raise TimeoutError(f"execution {execution_arn} still {status} after {timeout_s:.0f}s")
        clock.sleep(poll_s)


__all__ = ["ExecutionProgress", "map_item_counts", "progress_of", "wait_for_execution"]
