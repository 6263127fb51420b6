"""ExecutionResult views: data, flattened, counts, errors, error_summary."""

from __future__ import annotations

import pytest

from orgsweep.executor import (
    ExecutionResult,
    TaskCancelledError,
    TaskOutcome,
    TaskStatus,
    TaskTimeoutError,
)

pytestmark = pytest.mark.unit

BOOM = ValueError("boom")
DENIED = PermissionError("denied")
ALSO_BOOM = ValueError("again")


def _result() -> ExecutionResult[object]:
    return ExecutionResult(
        [
            TaskOutcome("a", TaskStatus.SUCCEEDED, value=[1, 2], attempts=1),
            TaskOutcome("b", TaskStatus.FAILED, error=BOOM, attempts=3),
            TaskOutcome("c", TaskStatus.SUCCEEDED, value=None, attempts=1),
            TaskOutcome("d", TaskStatus.SUCCEEDED, value=(3, 4), attempts=1),
            TaskOutcome("e", TaskStatus.TIMED_OUT, error=TaskTimeoutError("e", 5), attempts=1),
            TaskOutcome("f", TaskStatus.SUCCEEDED, value={"k": 5}, attempts=2),
            TaskOutcome("g", TaskStatus.CANCELLED, error=TaskCancelledError("g", "run cancelled")),
            TaskOutcome("h", TaskStatus.FAILED, error=DENIED, attempts=1),
            TaskOutcome("i", TaskStatus.SUCCEEDED, value="scalar", attempts=1),
            TaskOutcome("j", TaskStatus.FAILED, error=ALSO_BOOM, attempts=1),
        ]
    )


def test_data_holds_every_success_by_key_including_none() -> None:
    assert _result().data == {"a": [1, 2], "c": None, "d": (3, 4), "f": {"k": 5}, "i": "scalar"}


def test_flattened_concatenates_sequences_appends_scalars_skips_none() -> None:
    assert _result().flattened == [1, 2, 3, 4, {"k": 5}, "scalar"]


def test_counts_add_up() -> None:
    result = _result()
    assert (result.success_count, result.error_count, result.cancelled_count, result.total) == (5, 4, 1, 10)
    assert result.success_count + result.error_count + result.cancelled_count == result.total


def test_errors_keep_the_exceptions_of_failed_and_timed_out_tasks() -> None:
    errors = _result().errors
    assert list(errors) == ["b", "e", "h", "j"]
    assert errors["b"] is BOOM
    assert isinstance(errors["e"], TaskTimeoutError)


def test_error_summary_counts_by_type_and_timeout() -> None:
    assert _result().error_summary() == {"PermissionError": 1, "ValueError": 2, "timeout": 1}


def test_outcome_lookup() -> None:
    result = _result()
    assert result.outcome("f").attempts == 2
    assert result.outcome("f").succeeded
    with pytest.raises(KeyError, match="nope"):
        result.outcome("nope")


def test_empty_result() -> None:
    result: ExecutionResult[int] = ExecutionResult([])
    assert (result.total, result.data, result.flattened, result.error_summary()) == (0, {}, [], {})
