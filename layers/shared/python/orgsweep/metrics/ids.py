"""Deterministic GetMetricData query ids.

An id is derived only from the query's canonical form, so the same query gets the same id
in every run, process and Python version (no `hash()`, whose seed changes per process).
Shape: "m" + 32 lowercase hex digits of SHA-256 — starts with a lowercase letter, only
[a-z0-9], 33 characters, well inside GetMetricData's `^[a-z][a-zA-Z0-9_]*$`, ≤ 255 rule.
128 bits make an accidental collision practically impossible; the planner still refuses one.
"""

from __future__ import annotations

import hashlib
import json
import re

from orgsweep.metrics.types import MetricQuery

_ID_HEX_DIGITS = 32
_VALID_ID = re.compile(r"^[a-z][a-zA-Z0-9_]{0,254}$")


def canonical_query(query: MetricQuery) -> str:
    """A stable text form of every field that makes two queries different series."""
    return json.dumps(
        [
            query.namespace,
            query.metric_name,
            [list(pair) for pair in query.dimensions],  # already sorted by MetricQuery
            query.statistic,
            query.period,
            query.lookback_days,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def query_id(query: MetricQuery) -> str:
    """The GetMetricData `Id` of `query`."""
    digest = hashlib.sha256(canonical_query(query).encode("utf-8")).hexdigest()
    return "m" + digest[:_ID_HEX_DIGITS]


def is_valid_query_id(value: str) -> bool:
    """True when `value` is acceptable as a GetMetricData `Id`."""
    return _VALID_ID.fullmatch(value) is not None


__all__ = ["canonical_query", "is_valid_query_id", "query_id"]
