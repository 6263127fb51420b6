"""CloudWatch GetMetricData batching for a whole cell.

Checks declare `MetricQuery`s; one `MetricBatcher` per cell fetches them all in the fewest
calls AWS allows (≤ 500 queries and ≤ 100,800 datapoints per call, NextToken followed) and
hands back a `MetricSeries` per query. Needs only the standard library (the client is passed in).
"""

from orgsweep.metrics.batcher import STATUS_NO_RESULT, MetricBatcher, build_request
from orgsweep.metrics.exceptions import (
    InvalidEndTimeError,
    InvalidMetricQueryError,
    MetricBatchLimitError,
    MetricsError,
)
from orgsweep.metrics.ids import canonical_query, is_valid_query_id, query_id
from orgsweep.metrics.planning import (
    MAX_DATAPOINTS_PER_CALL,
    MAX_QUERIES_PER_CALL,
    PlannedCall,
    QueryPiece,
    plan_calls,
)
from orgsweep.metrics.types import STATUS_COMPLETE, MetricQuery, MetricSeries

__all__ = [
    "MAX_DATAPOINTS_PER_CALL",
    "MAX_QUERIES_PER_CALL",
    "STATUS_COMPLETE",
    "STATUS_NO_RESULT",
    "InvalidEndTimeError",
    "InvalidMetricQueryError",
    "MetricBatchLimitError",
    "MetricBatcher",
    "MetricQuery",
    "MetricSeries",
    "MetricsError",
    "PlannedCall",
    "QueryPiece",
    "build_request",
    "canonical_query",
    "is_valid_query_id",
    "plan_calls",
    "query_id",
]
