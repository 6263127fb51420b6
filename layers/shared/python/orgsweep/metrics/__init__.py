"""CloudWatch GetMetricData batching for a whole cell."""

from orgsweep.metrics.types import MetricQuery, MetricSeries

__all__ = ["MetricQuery", "MetricSeries"]
