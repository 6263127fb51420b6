"""What checks ask CloudWatch for, and what they get back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class MetricQuery:
    """One CloudWatch metric series request.

    `period` is in seconds; `lookback_days` is the window ending at the cell's metric end
    time (the batcher aligns it to the start of the current UTC day so every query of a
    cell with the same (period, lookback) shares one window and so one set of calls).
    `dimensions` is a tuple of (name, value) pairs; order does not matter for identity.
    """

    namespace: str
    metric_name: str
    dimensions: tuple[tuple[str, str], ...]
    statistic: str
    period: int
    lookback_days: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "dimensions", tuple(sorted(self.dimensions)))


@dataclass(frozen=True, slots=True)
class MetricSeries:
    """Datapoints of one query, sorted by timestamp ascending. Empty when CloudWatch has none."""

    query: MetricQuery
    timestamps: tuple[datetime, ...] = field(default_factory=tuple)
    values: tuple[float, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not self.values

    def as_dict(self) -> dict[datetime, float]:
        return dict(zip(self.timestamps, self.values, strict=True))


__all__ = ["MetricQuery", "MetricSeries"]
