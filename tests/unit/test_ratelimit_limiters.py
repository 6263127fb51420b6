"""LimiterSet: one bucket per service, shaped by the preset and overrides."""

from __future__ import annotations

import threading

import pytest

from orgsweep.clock import FakeClock
from orgsweep.presets import PRESETS, Preset, UnknownPresetError
from orgsweep.ratelimit import BucketStats, LimiterSet, RateSpec, TokenBucket

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("name", "rate", "burst"), [("conservative", 2, 5), ("default", 5, 10), ("aggressive", 10, 20)]
)
def test_presets_shape_every_bucket(name: str, rate: float, burst: float, fake_clock: FakeClock) -> None:
    for preset in (name, PRESETS[name]):
        limiters = LimiterSet(preset, clock=fake_clock)
        bucket = limiters.for_service("ec2")
        assert (bucket.configured_rate, bucket.burst) == (rate, burst)
        assert bucket.adaptive is PRESETS[name].adaptive
        assert limiters.preset.name == name


def test_non_adaptive_preset_makes_non_adaptive_buckets(fake_clock: FakeClock) -> None:
    preset = Preset("custom", 1, 3.0, 6, 1, False, 60.0)
    bucket = LimiterSet(preset, clock=fake_clock).for_service("s3")
    bucket.record_throttle()
    assert (bucket.rate, bucket.burst, bucket.adaptive) == (3.0, 6, False)


def test_unknown_preset_is_rejected_by_name() -> None:
    with pytest.raises(UnknownPresetError, match="turbo"):
        LimiterSet("turbo")


def test_buckets_are_lazy_and_one_per_service(fake_clock: FakeClock) -> None:
    limiters = LimiterSet("default", clock=fake_clock)
    assert limiters.stats() == {}
    ec2 = limiters.for_service("ec2")
    assert limiters.for_service("ec2") is ec2
    assert limiters.for_service("cloudwatch") is not ec2
    assert list(limiters.stats()) == ["cloudwatch", "ec2"]


def test_overrides_apply_to_their_service_only(fake_clock: FakeClock) -> None:
    limiters = LimiterSet("default", {"cloudwatch": RateSpec(20, 40)}, clock=fake_clock)
    cloudwatch = limiters.for_service("cloudwatch")
    ec2 = limiters.for_service("ec2")
    assert (cloudwatch.configured_rate, cloudwatch.burst) == (20, 40)
    assert (ec2.configured_rate, ec2.burst) == (5, 10)
    assert limiters.spec_for("rds") == RateSpec(5, 10)


@pytest.mark.parametrize(("rate", "burst", "name"), [(0, 1, "rate"), (1, -2, "burst")])
def test_rate_spec_validates(rate: float, burst: float, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        RateSpec(rate, burst)


def test_bad_overrides_and_service_names_are_rejected() -> None:
    with pytest.raises(TypeError, match="ec2"):
        LimiterSet("default", {"ec2": (5, 10)})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="service"):
        LimiterSet("default", {"": RateSpec(1, 1)})
    with pytest.raises(ValueError, match="service"):
        LimiterSet("default").for_service("")


def test_stats_reflect_each_bucket(fake_clock: FakeClock) -> None:
    limiters = LimiterSet("conservative", clock=fake_clock)
    for _ in range(6):
        limiters.for_service("ec2").acquire()
    limiters.for_service("rds").record_throttle()
    stats = limiters.stats()
    assert stats["ec2"] == BucketStats(acquired=6, seconds_waited=0.5, throttles=0, current_rate=2)  # exact
    assert stats["rds"].throttles == 1
    assert stats["rds"].current_rate == pytest.approx(1)


def test_concurrent_first_use_creates_one_bucket(fake_clock: FakeClock) -> None:
    limiters = LimiterSet("default", clock=fake_clock)
    barrier = threading.Barrier(8, timeout=10)
    seen: list[TokenBucket] = []
    lock = threading.Lock()

    def use() -> None:
        barrier.wait()
        bucket = limiters.for_service("ec2")
        with lock:
            seen.append(bucket)

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(seen) == 8
    assert all(bucket is seen[0] for bucket in seen)
