"""Adaptive slow-down: multiplicative decrease with a floor, gradual recovery, coalescing."""

from __future__ import annotations

import pytest

from orgsweep.clock import FakeClock
from orgsweep.ratelimit import AdaptiveRate, TokenBucket

pytestmark = pytest.mark.unit


def test_throttle_halves_the_rate_and_forfeits_saved_tokens(fake_clock: FakeClock) -> None:
    bucket = TokenBucket(5, 10, clock=fake_clock)
    bucket.record_throttle()
    assert bucket.rate == pytest.approx(2.5)
    assert bucket.configured_rate == 5
    assert bucket.available == 0
    assert bucket.acquire() == pytest.approx(1 / 2.5)
    assert bucket.stats().throttles == 1
    assert bucket.stats().current_rate == pytest.approx(2.5)


def test_throttles_of_one_burst_count_once(fake_clock: FakeClock) -> None:
    bucket = TokenBucket(4, 10, clock=fake_clock)
    for _ in range(5):  # five in-flight calls throttled together
        bucket.record_throttle()
    assert bucket.rate == pytest.approx(2)
    assert bucket.stats().throttles == 5

    fake_clock.advance(1 / 2)  # one interval at the reduced rate: a new signal
    bucket.record_throttle()
    assert bucket.rate == pytest.approx(1)


def test_repeated_throttles_stop_at_the_default_floor(fake_clock: FakeClock) -> None:
    bucket = TokenBucket(10, 20, clock=fake_clock)
    assert bucket.min_rate == pytest.approx(0.5)  # 5 % of 10/s
    for _ in range(20):
        bucket.record_throttle()
        fake_clock.advance(1 / bucket.rate)
    assert bucket.rate == pytest.approx(0.5)


@pytest.mark.parametrize(("rate", "floor"), [(100, 5), (2, 0.1), (1, 0.1), (0.05, 0.05)])
def test_default_floor_is_5_percent_but_at_least_point_one(rate: float, floor: float) -> None:
    assert AdaptiveRate(rate).min_rate == pytest.approx(floor)


def test_custom_floor_and_factor(fake_clock: FakeClock) -> None:
    bucket = TokenBucket(8, 8, clock=fake_clock, min_rate=3, decrease_factor=0.25)
    bucket.record_throttle()
    assert bucket.rate == pytest.approx(3)  # 8 * 0.25 = 2 is under the floor


def test_successes_recover_gradually_to_the_configured_rate(fake_clock: FakeClock) -> None:
    bucket = TokenBucket(5, 10, clock=fake_clock)
    bucket.record_throttle()
    bucket.record_success()  # in flight before the slow-down: ignored
    assert bucket.rate == pytest.approx(2.5)

    fake_clock.advance(1 / 2.5)
    rates = []
    for _ in range(12):
        bucket.record_success()
        rates.append(bucket.rate)
    # +5 % of the configured rate per success, capped at the configured rate
    assert rates[:10] == pytest.approx([2.5 + 0.25 * n for n in range(1, 11)])
    assert rates[10:] == [5, 5]


def test_recovery_fraction_is_configurable(fake_clock: FakeClock) -> None:
    bucket = TokenBucket(10, 10, clock=fake_clock, recovery_fraction=0.5)
    bucket.record_throttle()
    fake_clock.advance(1)
    bucket.record_success()
    assert bucket.rate == pytest.approx(10)


def test_non_adaptive_bucket_only_counts_throttles(fake_clock: FakeClock) -> None:
    bucket = TokenBucket(5, 10, clock=fake_clock, adaptive=False)
    for _ in range(3):
        bucket.record_throttle()
        fake_clock.advance(10)
    bucket.record_success()
    assert bucket.rate == 5
    assert bucket.available == 10
    assert bucket.stats().throttles == 3
