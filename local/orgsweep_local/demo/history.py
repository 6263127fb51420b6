"""Realistic CloudWatch history for the demo fleet, written with few PutMetricData calls.

Each monitored resource gets `points_per_day` noisy samples a day for the last N days (the
current day included, up to 'now', so a scan that starts after midnight still sees every day
of its window). Values are drawn from an injected random.Random: the same seed writes the
same history. Samples are buffered and sent up to 1,000 per call (the PutMetricData limit).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

MAX_VALUES_PER_CALL = 1000
_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Sample:
    namespace: str
    metric_name: str
    dimensions: tuple[tuple[str, str], ...]
    timestamp: datetime
    value: float
    unit: str


class MetricHistory:
    """Buffers generated samples for one (account, region) and flushes them to CloudWatch."""

    def __init__(self, client: Any, *, now: datetime, points_per_day: int, rng: random.Random) -> None:
        self._client = client
        self._now = now
        self._points_per_day = points_per_day
        self._rng = rng
        self._samples: list[Sample] = []
        self.calls = 0
        self.values_written = 0

    def timestamps(self, days: int, *, ending_days_ago: int = 0) -> list[datetime]:
        """Sample times over `days` days ending `ending_days_ago` days before today (today included at 0)."""
        today = self._now.replace(hour=0, minute=0, second=0, microsecond=0)
        step = _DAY / self._points_per_day
        times = []
        for back in range(ending_days_ago + days - 1, ending_days_ago - 1, -1):
            day = today - back * _DAY
            for k in range(self._points_per_day):
                # Spread over the day with a little jitter, never on a day boundary.
                jitter = timedelta(minutes=self._rng.uniform(-20, 20))
                when = day + step * k + step / 2 + jitter
                if when < self._now - timedelta(minutes=5):
                    times.append(when.replace(microsecond=0))
        return times

    def add(
        self,
        namespace: str,
        metric_name: str,
        dimensions: dict[str, str],
        *,
        low: float,
        high: float,
        days: int,
        ending_days_ago: int = 0,
        unit: str = "None",
        integer: bool = False,
        per_day: bool = False,
    ) -> None:
        """Samples drawn uniformly from [low, high] (rounded when `integer`) for `days` days.

        With `per_day`, [low, high] bounds the day's total (a Sum-type metric such as bytes or
        requests): each sample is a 1/points_per_day share, so every day sums to within it.
        """
        dims = tuple(sorted(dimensions.items()))
        share = 1.0 / self._points_per_day if per_day else 1.0
        for when in self.timestamps(days, ending_days_ago=ending_days_ago):
            value = self._rng.uniform(low, high) * share
            if integer:
                value = float(round(value))
            self._samples.append(Sample(namespace, metric_name, dims, when, round(value, 3), unit))
        if len(self._samples) >= MAX_VALUES_PER_CALL:
            self.flush()

    def flush(self) -> None:
        """Send every buffered sample: one call per namespace per 1,000 samples."""
        by_namespace: dict[str, list[Sample]] = {}
        for sample in self._samples:
            by_namespace.setdefault(sample.namespace, []).append(sample)
        self._samples = []
        for namespace, samples in sorted(by_namespace.items()):
            for start in range(0, len(samples), MAX_VALUES_PER_CALL):
                chunk = samples[start : start + MAX_VALUES_PER_CALL]
                self._client.put_metric_data(
                    Namespace=namespace,
                    MetricData=[
                        {
                            "MetricName": s.metric_name,
                            "Dimensions": [{"Name": n, "Value": v} for n, v in s.dimensions],
                            "Timestamp": s.timestamp,
                            "Value": s.value,
                            "Unit": s.unit,
                        }
                        for s in chunk
                    ],
                )
                self.calls += 1
                self.values_written += len(chunk)


__all__ = ["MAX_VALUES_PER_CALL", "MetricHistory", "Sample"]
