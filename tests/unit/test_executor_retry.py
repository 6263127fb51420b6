"""RetryPolicy and the executor's retries: transient errors retried with jittered backoff."""

from __future__ import annotations

import random
from typing import Any

import pytest

from orgsweep.clock import FakeClock
from orgsweep.executor import ParallelExecutor, RetryPolicy, Task, TaskStatus, current_task, retry_on

pytestmark = pytest.mark.unit


class TransientError(Exception):
    pass


class CeilingRandom(random.Random):
    """Full jitter that always draws the ceiling, to test the longest backoff."""

    def uniform(self, a: float, b: float) -> float:
        return b


def test_backoff_is_full_jitter_under_a_doubling_capped_ceiling() -> None:
    policy = RetryPolicy(max_attempts=10, backoff_base_s=0.5, backoff_cap_s=3.0, rng=random.Random(7))
    reference = random.Random(7)
    expected = [reference.uniform(0, min(3.0, 0.5 * 2 ** (n - 1))) for n in range(1, 9)]
    assert [policy.backoff_s(n) for n in range(1, 9)] == expected

    ceiling = RetryPolicy(backoff_base_s=0.5, backoff_cap_s=3.0, rng=CeilingRandom())
    assert [ceiling.backoff_s(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert ceiling.backoff_s(10_000) == 3.0  # no overflow for absurd attempt numbers


def test_nothing_is_retryable_by_default() -> None:
    policy = RetryPolicy(max_attempts=5)
    assert not policy.should_retry(1, TransientError())
    on_transient = RetryPolicy(max_attempts=2, is_retryable=retry_on(TransientError))
    assert on_transient.should_retry(1, TransientError())
    assert not on_transient.should_retry(2, TransientError())  # attempts exhausted
    assert not on_transient.should_retry(1, ValueError())


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"max_attempts": 0}, "max_attempts"),
        ({"max_attempts": True}, "max_attempts"),
        ({"backoff_base_s": -1}, "backoff_base_s"),
        ({"backoff_cap_s": float("inf")}, "backoff_cap_s"),
    ],
)
def test_bad_policies_are_rejected(kwargs: dict[str, Any], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        RetryPolicy(**kwargs)
    with pytest.raises(ValueError, match="exception type"):
        retry_on()


class Flaky:
    """fn that raises `failures` times, then returns "ok"; records the attempts it saw."""

    def __init__(self, failures: int, exc: type[Exception] = TransientError) -> None:
        self.failures = failures
        self.exc = exc
        self.seen: list[int] = []
        self.raised: list[Exception] = []

    def __call__(self, _: object) -> str:
        context = current_task()
        assert context is not None
        self.seen.append(context.attempt)
        if len(self.seen) <= self.failures:
            self.raised.append(self.exc(f"attempt {len(self.seen)}"))
            raise self.raised[-1]
        return "ok"


def test_transient_failure_succeeds_on_attempt_two_after_a_backoff(fake_clock: FakeClock) -> None:
    policy = RetryPolicy(max_attempts=3, is_retryable=retry_on(TransientError), rng=random.Random(1))
    fn = Flaky(1)
    result = ParallelExecutor(2, retry=policy, clock=fake_clock).run(fn, [Task("t", None)])

    outcome = result.outcome("t")
    assert (outcome.status, outcome.value, outcome.attempts, fn.seen) == (TaskStatus.SUCCEEDED, "ok", 2, [1, 2])
    assert fake_clock.slept == [random.Random(1).uniform(0, 1.0)]
    assert outcome.duration_s == pytest.approx(fake_clock.slept[0])


def test_non_retryable_error_is_not_retried(fake_clock: FakeClock) -> None:
    policy = RetryPolicy(max_attempts=3, is_retryable=retry_on(TransientError))
    fn = Flaky(1, ValueError)
    result = ParallelExecutor(1, retry=policy, clock=fake_clock).run(fn, [Task("t", None)])

    outcome = result.outcome("t")
    assert (outcome.status, outcome.attempts, fn.seen, fake_clock.slept) == (TaskStatus.FAILED, 1, [1], [])
    assert isinstance(outcome.error, ValueError)


def test_exhausted_retries_keep_the_last_error(fake_clock: FakeClock) -> None:
    policy = RetryPolicy(max_attempts=3, is_retryable=retry_on(TransientError), rng=random.Random(2))
    fn = Flaky(5)
    result = ParallelExecutor(1, retry=policy, clock=fake_clock).run(fn, [Task("t", None)])

    outcome = result.outcome("t")
    assert (outcome.status, outcome.attempts, fn.seen) == (TaskStatus.FAILED, 3, [1, 2, 3])
    assert outcome.error is fn.raised[-1]
    assert len(fake_clock.slept) == 2
    assert result.error_summary() == {"TransientError": 1}


def test_no_retry_whose_backoff_would_pass_the_task_deadline(fake_clock: FakeClock) -> None:
    policy = RetryPolicy(max_attempts=5, is_retryable=retry_on(TransientError), backoff_base_s=10, rng=CeilingRandom())
    fn = Flaky(5)
    executor = ParallelExecutor(1, task_timeout_s=5, retry=policy, clock=fake_clock)
    outcome = executor.run(fn, [Task("t", None)]).outcome("t")
    assert (outcome.status, outcome.attempts, fake_clock.slept) == (TaskStatus.FAILED, 1, [])


def test_cancel_stops_retries(fake_clock: FakeClock) -> None:
    policy = RetryPolicy(max_attempts=5, is_retryable=retry_on(TransientError))
    executor = ParallelExecutor(1, retry=policy, clock=fake_clock)

    def fn(_: object) -> None:
        executor.cancel()
        raise TransientError("throttled")

    outcome = executor.run(fn, [Task("t", None)]).outcome("t")
    assert (outcome.status, outcome.attempts, fake_clock.slept) == (TaskStatus.FAILED, 1, [])


def test_a_failing_retry_predicate_still_yields_an_outcome(fake_clock: FakeClock) -> None:
    def broken(exc: BaseException) -> bool:
        raise RuntimeError("predicate bug")

    executor = ParallelExecutor(1, retry=RetryPolicy(is_retryable=broken), clock=fake_clock)

    def fn(_: object) -> None:
        raise TransientError("x")

    outcome = executor.run(fn, [Task("t", None)]).outcome("t")
    assert outcome.status is TaskStatus.FAILED
    assert isinstance(outcome.error, RuntimeError)
