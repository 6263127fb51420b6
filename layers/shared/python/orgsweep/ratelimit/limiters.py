"""One token bucket per AWS service, shaped by a preset (DESIGN §4) and optional overrides."""

from __future__ import annotations

import threading
from collections.abc import Mapping

from orgsweep.clock import SYSTEM_CLOCK, Clock
from orgsweep.presets import Preset, get_preset
from orgsweep.ratelimit.bucket import TokenBucket
from orgsweep.ratelimit.exceptions import RateLimitConfigError
from orgsweep.ratelimit.types import BucketStats, RateSpec


class LimiterSet:
    """The buckets of one cell: AWS throttles per (account, region, API), so each service
    gets its own bucket, created on first use.

    `preset` is a Preset or its name (unknown name -> orgsweep.presets.UnknownPresetError).
    `overrides` maps a service name (as passed to for_service, e.g. "ec2") to its own RateSpec;
    every other service gets the preset's rate_per_second / burst. The preset's `adaptive`
    flag applies to every bucket.
    """

    def __init__(
        self,
        preset: Preset | str,
        overrides: Mapping[str, RateSpec] | None = None,
        *,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.preset = get_preset(preset) if isinstance(preset, str) else preset
        self.default_spec = RateSpec(self.preset.rate_per_second, self.preset.burst)
        self._overrides: dict[str, RateSpec] = {}
        for service, spec in (overrides or {}).items():
            if not isinstance(service, str) or not service:
                raise RateLimitConfigError(f"overrides: service names must be non-empty strings, got {service!r}")
            if not isinstance(spec, RateSpec):
                raise TypeError(f"overrides[{service!r}] must be a RateSpec, got {type(spec).__name__}")
            self._overrides[service] = spec
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, TokenBucket] = {}

    def spec_for(self, service: str) -> RateSpec:
        """The shape the bucket of `service` has (or will have)."""
        return self._overrides.get(service, self.default_spec)

    def for_service(self, service: str) -> TokenBucket:
        """The bucket of `service`; every caller gets the same one."""
        if not isinstance(service, str) or not service:
            raise RateLimitConfigError(f"service must be a non-empty string, got {service!r}")
        with self._lock:
            bucket = self._buckets.get(service)
            if bucket is None:
                spec = self.spec_for(service)
                bucket = TokenBucket(spec.rate, spec.burst, clock=self._clock, adaptive=self.preset.adaptive)
                self._buckets[service] = bucket
            return bucket

    def stats(self) -> dict[str, BucketStats]:
        """Counters of every bucket created so far, by service name."""
        with self._lock:
            buckets = dict(self._buckets)
        return {service: buckets[service].stats() for service in sorted(buckets)}

    def __repr__(self) -> str:
        return f"LimiterSet(preset={self.preset.name!r}, overrides={sorted(self._overrides)!r})"


__all__ = ["LimiterSet"]
