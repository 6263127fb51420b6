"""TokenBucket: burst, refill, blocking acquire, deadlines, counters, validation (FakeClock)."""

from __future__ import annotations

import math

import pytest

from orgsweep.clock import FakeClock
from orgsweep.ratelimit import RateLimitError, RateLimitTimeoutError, TokenBucket

pytestmark = pytest.mark.unit


def test_starts_full_then_refuses_without_waiting(fake_clock: FakeClock) -> None:
    bucket = TokenBucket(5, 10, clock=fake_clock)
    assert bucket.available == pytest.approx(10)
    assert all(bucket.try_acquire() for _ in range(10))
    assert not bucket.try_acquire()
    assert fake_clock.slept == []


def test_burst_is_free_then_acquire_blocks_for_exactly_one_interval(fake_clock: FakeClock) -> None:
    bucket = TokenBucket(5, 3, clock=fake_clock)
    start = fake_clock.monotonic()
    assert [bucket.acquire() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert fake_clock.monotonic() == start

    waited = bucket.acquire()

    assert waited == pytest.approx(0.2)
    assert fake_clock.slept == [pytest.approx(0.2)]
    assert fake_clock.monotonic() == pytest.approx(start + 0.2)
    # the next one waits a full interval again: the token earned while sleeping was consumed
    assert bucket.acquire() == pytest.approx(0.2)


def test_refill_is_continuous_and_capped_at_burst(fake_clock: FakeClock) -> None:
    bucket = TokenBucket(5, 10, clock=fake_clock)
    while bucket.try_acquire():
        pass
    assert bucket.available == pytest.approx(0)

    fake_clock.advance(0.3)
    assert bucket.available == pytest.approx(1.5)
    assert bucket.try_acquire()
    assert not bucket.try_acquire()  # 0.5 left
    fake_clock.advance(0.1)
    assert bucket.try_acquire()  # 0.5 + 0.5

    fake_clock.advance(3600)
    assert bucket.available == pytest.approx(10)


def test_fractional_tokens(fake_clock: FakeClock) -> None:
    bucket = TokenBucket(2, 4, clock=fake_clock)
    assert bucket.acquire(2.5) == 0.0
    assert bucket.available == pytest.approx(1.5)
    assert bucket.acquire(2.5) == pytest.approx(0.5)  # needs 1 more token at 2/s


def test_deadline_that_cannot_be_met_raises_before_sleeping(fake_clock: FakeClock) -> None:
    bucket = TokenBucket(5, 1, clock=fake_clock)
    bucket.acquire()
    now = fake_clock.monotonic()

    with pytest.raises(RateLimitTimeoutError) as caught:
        bucket.acquire(deadline=now + 0.1)  # needs 0.2 s

    assert fake_clock.slept == []
    assert fake_clock.monotonic() == now
    assert caught.value.wait_s == pytest.approx(0.2)
    assert isinstance(caught.value, RateLimitError)
    assert isinstance(caught.value, TimeoutError)
    assert bucket.stats().acquired == 1


def test_deadline_that_can_be_met_waits(fake_clock: FakeClock) -> None:
    bucket = TokenBucket(5, 1, clock=fake_clock)
    bucket.acquire()
    now = fake_clock.monotonic()
    assert bucket.acquire(deadline=now + 0.2) == pytest.approx(0.2)


def test_deadline_in_the_past_does_not_matter_when_no_wait_is_needed(fake_clock: FakeClock) -> None:
    bucket = TokenBucket(5, 1, clock=fake_clock)
    assert bucket.acquire(deadline=fake_clock.monotonic() - 10) == 0.0
    with pytest.raises(RateLimitTimeoutError):
        bucket.acquire(deadline=fake_clock.monotonic() - 10)


def test_waits_and_grants_are_counted(fake_clock: FakeClock) -> None:
    bucket = TokenBucket(4, 2, clock=fake_clock)
    for _ in range(4):
        bucket.acquire()
    assert bucket.try_acquire() is False
    stats = bucket.stats()
    assert stats.acquired == 4
    assert stats.seconds_waited == pytest.approx(0.5)  # two waits of 0.25 s
    assert stats.throttles == 0
    assert stats.current_rate == 4


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"rate": 0, "burst": 1}, "rate"),
        ({"rate": -1, "burst": 1}, "rate"),
        ({"rate": math.nan, "burst": 1}, "rate"),
        ({"rate": 1, "burst": 0}, "burst"),
        ({"rate": 1, "burst": math.inf}, "burst"),
        ({"rate": 1, "burst": 1, "min_rate": 2}, "min_rate"),
        ({"rate": 1, "burst": 1, "min_rate": 0}, "min_rate"),
        ({"rate": 1, "burst": 1, "decrease_factor": 1.0}, "decrease_factor"),
        ({"rate": 1, "burst": 1, "recovery_fraction": 0}, "recovery_fraction"),
    ],
)
def test_bad_arguments_are_named(kwargs: dict[str, float], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        TokenBucket(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("tokens", [0, -1, math.nan, 11])
def test_bad_token_counts_are_rejected(fake_clock: FakeClock, tokens: float) -> None:
    bucket = TokenBucket(5, 10, clock=fake_clock)
    with pytest.raises(ValueError, match="tokens"):
        bucket.acquire(tokens)
    with pytest.raises(ValueError, match="tokens"):
        bucket.try_acquire(tokens)
    assert fake_clock.slept == []
