"""CallCounters, counting scopes and ServiceCounts."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from orgsweep.aws import DEFAULT_SCOPE, AwsConfigError, CallCounters, ServiceCounts, counting_scope, current_scope

pytestmark = pytest.mark.unit


def test_counts_by_scope_and_service() -> None:
    counters = CallCounters()
    counters.record_call("ec2")
    with counting_scope("cell-a"):
        counters.record_call("ec2")
        counters.record_call("ec2", retry=True)
        counters.record_throttle("ec2", "RequestLimitExceeded")
        counters.record_call("cloudwatch")
    counters.record_throttle("ec2", "Throttling", scope="cell-b")

    assert counters.scopes() == sorted([DEFAULT_SCOPE, "cell-a", "cell-b"])
    assert counters.snapshot("cell-a") == {
        "cloudwatch": ServiceCounts(calls=1),
        "ec2": ServiceCounts(calls=2, retries=1, throttles=1, throttles_by_code={"RequestLimitExceeded": 1}),
    }
    assert counters.snapshot(DEFAULT_SCOPE) == {"ec2": ServiceCounts(calls=1)}
    assert counters.snapshot("nobody") == {}
    assert counters.snapshot() == {
        "cloudwatch": ServiceCounts(calls=1),
        "ec2": ServiceCounts(
            calls=3, retries=1, throttles=2, throttles_by_code={"RequestLimitExceeded": 1, "Throttling": 1}
        ),
    }
    assert counters.totals() == ServiceCounts(
        calls=4, retries=1, throttles=2, throttles_by_code={"RequestLimitExceeded": 1, "Throttling": 1}
    )
    assert counters.totals("cell-b") == ServiceCounts(throttles=1, throttles_by_code={"Throttling": 1})


def test_scopes_nest_and_restore() -> None:
    assert current_scope() == DEFAULT_SCOPE
    with counting_scope("outer"):
        with counting_scope("inner") as name:
            assert name == "inner"
            assert current_scope() == "inner"
        assert current_scope() == "outer"
    assert current_scope() == DEFAULT_SCOPE


def test_scope_is_restored_after_an_error() -> None:
    with pytest.raises(RuntimeError), counting_scope("failing"):
        raise RuntimeError("boom")
    assert current_scope() == DEFAULT_SCOPE


@pytest.mark.parametrize("bad", ["", None, 3])
def test_bad_scope_names_are_rejected(bad: object) -> None:
    with pytest.raises(AwsConfigError, match="counting scope"), counting_scope(bad):  # type: ignore[arg-type]
        pass


def test_threads_count_without_losing_updates_and_keep_their_own_scope() -> None:
    counters = CallCounters()
    barrier = threading.Barrier(8)

    def work(i: int) -> None:
        with counting_scope(f"t{i % 2}"):
            barrier.wait()
            for n in range(500):
                counters.record_call("ec2", retry=n % 5 == 0)
                if n % 10 == 0:
                    counters.record_throttle("ec2", "Throttling")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(work, range(8)))

    per_scope = ServiceCounts(calls=2000, retries=400, throttles=200, throttles_by_code={"Throttling": 200})
    assert counters.totals("t0") == per_scope
    assert counters.totals("t1") == per_scope
    assert counters.totals() == per_scope + per_scope


def test_service_counts_add_up() -> None:
    a = ServiceCounts(calls=2, retries=1, throttles=1, throttles_by_code={"SlowDown": 1})
    b = ServiceCounts(calls=3, throttles=2, throttles_by_code={"SlowDown": 1, "Throttling": 1})
    assert a + b == ServiceCounts(calls=5, retries=1, throttles=3, throttles_by_code={"SlowDown": 2, "Throttling": 1})
    assert a + ServiceCounts() == a
