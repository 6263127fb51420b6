"""The hub account's Lambda concurrency against the Distributed Map's MaxConcurrency.

Every running Map child is one scan_cell invocation, so the account's unreserved concurrency
(lambda:GetAccountSettings) must cover MaxConcurrency, or Lambda throttles the surplus and the
Map's retries stretch the run. New accounts often start with a limit of 10.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from orgsweep.aws.throttling import error_code
from orgsweep_local.doctor.types import CheckResult, Status

CHECK = "lambda-concurrency"
#: A Distributed Map without MaxConcurrency (or with 0) runs up to this many children at once.
DISTRIBUTED_MAP_LIMIT = 10_000
QUOTA_FIX = (
    "request a higher Lambda 'Concurrent executions' quota (Service Quotas → AWS Lambda → L-B99A9384) "
    "in the hub account and region, or lower map_max_concurrency in cdk.json"
)


def _map_states(states: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(states, dict):
        return
    for state in states.values():
        if not isinstance(state, dict):
            continue
        if state.get("Type") == "Map":
            yield state
            processor = state.get("ItemProcessor") or state.get("Iterator") or {}
            yield from _map_states(processor.get("States"))
        for branch in state.get("Branches", []) or []:
            if isinstance(branch, dict):
                yield from _map_states(branch.get("States"))


def map_max_concurrency(definition: str) -> int | None:
    """The largest MaxConcurrency of the definition's Map states (a Map without one counts as the
    Distributed Map limit); None when the definition has no Map state or is not JSON."""
    try:
        document = json.loads(definition)
    except ValueError:
        return None
    found = [
        state.get("MaxConcurrency") or DISTRIBUTED_MAP_LIMIT
        for state in _map_states(document.get("States") if isinstance(document, dict) else None)
    ]
    values = [value for value in found if isinstance(value, int)]
    return max(values) if values else None


def check_lambda_concurrency(lambda_client: Any, *, subject: str, max_concurrency: int, source: str) -> CheckResult:
    """PASS when unreserved concurrency covers MaxConcurrency; WARN when lower or unreadable."""
    try:
        limits = lambda_client.get_account_settings().get("AccountLimit", {})
    except (ClientError, BotoCoreError) as exc:
        code = error_code(exc) or type(exc).__name__
        return CheckResult(
            CHECK, subject, Status.WARN, f"cannot read the Lambda account settings ({code}), so the "
            f"Map's MaxConcurrency {max_concurrency} could not be compared with it",
            "allow lambda:GetAccountSettings to let the doctor compare the concurrency",
            data={"aws_error": {"code": code, "message": str(exc)}, "map_max_concurrency": max_concurrency},
        )
    limit = limits.get("ConcurrentExecutions")
    unreserved = limits.get("UnreservedConcurrentExecutions", limit)
    data = {"concurrent_executions": limit, "unreserved_concurrent_executions": unreserved,
            "map_max_concurrency": max_concurrency, "map_max_concurrency_source": source}
    facts = f"unreserved concurrency {unreserved} (account limit {limit})"
    if not isinstance(unreserved, int):
        return CheckResult(CHECK, subject, Status.WARN, "the Lambda account settings carry no concurrency limit",
                           "check the Lambda console", data=data)
    if unreserved < max_concurrency:
        return CheckResult(
            CHECK, subject, Status.WARN,
            f"{facts} < Map MaxConcurrency {max_concurrency} ({source}): Lambda throttles the cells beyond "
            f"{unreserved} and the Map's retries stretch the run",
            QUOTA_FIX, data=data,
        )
    return CheckResult(CHECK, subject, Status.PASS, f"{facts} ≥ Map MaxConcurrency {max_concurrency} ({source})",
                       data=data)


__all__ = ["CHECK", "DISTRIBUTED_MAP_LIMIT", "check_lambda_concurrency", "map_max_concurrency"]
