"""Errors of the metric batcher."""

from orgsweep.exceptions import OrgSweepError


class MetricsError(OrgSweepError):
    """Base class of metric-batching errors (also raised when CloudWatch answers nonsense)."""


class MetricBatchLimitError(MetricsError, ValueError):
    """A per-call limit above what GetMetricData accepts (500 queries, 100,800 datapoints) or below 1."""


class InvalidMetricQueryError(MetricsError, ValueError):
    """A MetricQuery that GetMetricData would reject (bad period, lookback, empty name, too many dimensions)."""


__all__ = ["InvalidMetricQueryError", "MetricBatchLimitError", "MetricsError"]
