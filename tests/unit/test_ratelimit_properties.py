"""Property: in any time window [a, b], a bucket grants at most burst + rate * (b - a) tokens."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgsweep.clock import FakeClock
from orgsweep.ratelimit import RateLimitTimeoutError, TokenBucket

pytestmark = pytest.mark.unit

_operation = st.one_of(
    st.tuples(st.just("advance"), st.floats(0, 5)),
    st.tuples(st.just("try"), st.floats(0.1, 3)),
    st.tuples(st.just("acquire"), st.floats(0.1, 3)),
    st.tuples(st.just("deadline"), st.floats(0.1, 3)),
    st.tuples(st.just("throttle"), st.just(0.0)),
    st.tuples(st.just("success"), st.just(0.0)),
)


@settings(max_examples=150, deadline=None)
@given(
    rate=st.floats(0.2, 50),
    burst=st.floats(3, 30),
    adaptive=st.booleans(),
    operations=st.lists(_operation, max_size=40),
)
def test_grants_never_exceed_burst_plus_rate_times_window(
    rate: float, burst: float, adaptive: bool, operations: list[tuple[str, float]]
) -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate, burst, clock=clock, adaptive=adaptive)
    grants: list[tuple[float, float]] = []  # (time, tokens)
    for kind, value in operations:
        before = clock.monotonic()
        if kind == "advance":
            clock.advance(value)
        elif kind == "try":
            if bucket.try_acquire(value):
                grants.append((clock.monotonic(), value))
        elif kind == "acquire":
            waited = bucket.acquire(value)
            assert waited >= 0
            assert clock.monotonic() - before == pytest.approx(waited, abs=1e-9)
            grants.append((clock.monotonic(), value))
        elif kind == "deadline":
            try:
                bucket.acquire(value, deadline=before + 0.05)
                grants.append((clock.monotonic(), value))
            except RateLimitTimeoutError:
                assert clock.monotonic() == before  # failed without sleeping
        elif kind == "throttle":
            bucket.record_throttle()
        else:
            bucket.record_success()
        assert bucket.min_rate - 1e-12 <= bucket.rate <= rate

    for i, (start, _) in enumerate(grants):
        for end, _ in grants[i:]:
            in_window = sum(tokens for t, tokens in grants if start <= t <= end)
            assert in_window <= burst + rate * (end - start) + 1e-6
    assert bucket.stats().acquired == len(grants)
