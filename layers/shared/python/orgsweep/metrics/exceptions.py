"""Errors of the metric batcher."""

from __future__ import annotations

from orgsweep.exceptions import OrgSweepError


class MetricsError(OrgSweepError):
    """Base class of metric-batching errors (also raised when CloudWatch answers nonsense)."""


class MetricBatchLimitError(MetricsError, ValueError):
    """A per-call limit above what GetMetricData accepts (500 queries, 100,800 datapoints) or below 1."""


class InvalidMetricQueryError(MetricsError, ValueError):
    """A MetricQuery that GetMetricData would reject (bad period, lookback, empty name, too many dimensions)."""


class InvalidEndTimeError(MetricsError, ValueError):
    """A batcher end time that is not an aware UTC datetime (every query's window ends there)."""


__all__ = ["InvalidEndTimeError", "InvalidMetricQueryError", "MetricBatchLimitError", "MetricsError"]
