"""What checks ask CloudWatch for, and what they get back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class MetricQuery:
    """One CloudWatch metric series request.

    `period` is in seconds; `lookback_days` is the window [end_time - lookback_days, end_time)
    ending at the batcher's `end_time`, which the caller picks once per cell (the start of the
    current UTC day keeps windows period-aligned and reproducible). Every query of a cell with the
    same lookback shares one window and so one set of GetMetricData calls.
    `dimensions` is a tuple of (name, value) pairs; order does not matter for identity.
    """

    namespace: str
    metric_name: str
    dimensions: tuple[tuple[str, str], ...]
    statistic: str
    period: int
    lookback_days: int

    def __post_init__(self) -> None:
        # Tuples of tuples whatever the caller passed (lists stay hashable), in one canonical order.
        object.__setattr__(self, "dimensions", tuple(sorted(tuple(pair) for pair in self.dimensions)))


#: GetMetricData's StatusCode when every datapoint of the series was returned.
STATUS_COMPLETE = "Complete"


@dataclass(frozen=True, slots=True)
class MetricSeries:
    """Datapoints of one query, sorted by timestamp ascending (aware UTC). Empty when CloudWatch has none.

    `status` is CloudWatch's StatusCode for the series after all pages (Complete, PartialData,
    InternalError, Forbidden, or the batcher's own NoResult when the response omitted the query);
    `messages` are its per-series messages as "Code: Value". A series
    that is not complete holds whatever did arrive: treat it as evidence with a caveat, not as zero.
    """

    query: MetricQuery
    timestamps: tuple[datetime, ...] = field(default_factory=tuple)
    values: tuple[float, ...] = field(default_factory=tuple)
    status: str = STATUS_COMPLETE
    messages: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not self.values

    @property
    def is_complete(self) -> bool:
        return self.status == STATUS_COMPLETE

    def as_dict(self) -> dict[datetime, float]:
        return dict(zip(self.timestamps, self.values, strict=True))


__all__ = ["STATUS_COMPLETE", "MetricQuery", "MetricSeries"]
