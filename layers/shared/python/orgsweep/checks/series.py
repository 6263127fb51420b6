"""The daily values of one resource's metric series, as the window rules read them.

A resource is measured as one series, or as several series of one metric that differ in one
dimension (`series_dimension`, e.g. CacheNodeId). `SeriesWindow` keeps each series' day
values, the data problems of all of them, and builds the evidence the rules attach.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from orgsweep.checks import daily
from orgsweep.checks.exceptions import CheckError
from orgsweep.checks.pricing import CostEstimate
from orgsweep.checks.support import evidence
from orgsweep.metrics.types import MetricQuery, MetricSeries

#: How many series a reason names before "and N more".
_NAMED_SERIES = 3


@dataclass(frozen=True)
class SeriesWindow:
    """The daily values of a resource's series (one or several queries of one metric)."""

    queries: tuple[MetricQuery, ...]
    parts: tuple[daily.DayValues, ...]
    problems: list[str]
    labels: tuple[str, ...]  # one per query; empty strings when the check has one series
    series_dimension: str | None

    @classmethod
    def read(
        cls,
        queries: Sequence[MetricQuery],
        metrics: Mapping[MetricQuery, MetricSeries],
        now: datetime,
        series_dimension: str | None,
    ) -> SeriesWindow:
        if not queries:
            raise CheckError("a window rule needs at least one metric query per resource")
        labels = tuple(dict(q.dimensions).get(series_dimension, "?") if series_dimension else "" for q in queries)
        names = dict(zip(queries, labels, strict=True))

        def name(query: MetricQuery) -> str:
            return f"{query.metric_name} ({series_dimension} {names[query]})" if series_dimension else query.metric_name

        return cls(
            queries=tuple(queries),
            parts=tuple(daily.day_values(metrics, q, now) for q in queries),
            problems=daily.data_problems(metrics, *queries, name=name),
            labels=labels,
            series_dimension=series_dimension,
        )

    @property
    def query(self) -> MetricQuery:
        """The first query: metric, statistic, period and lookback are the same for all."""
        return self.queries[0]

    @property
    def days_without_data(self) -> int:
        """Days on which some series has no datapoint."""
        return len(self.parts[0]) - len(daily.complete_days(*self.parts))

    def gaps(self) -> str:
        """The series with missing days, e.g. "CacheNodeId 0002" ("" for a single-series check)."""
        if not self.series_dimension:
            return ""
        gappy = [label for label, part in zip(self.labels, self.parts, strict=True) if daily.missing_days(part)]
        if not gappy:
            return ""
        named = ", ".join(gappy[:_NAMED_SERIES])
        more = f" and {len(gappy) - _NAMED_SERIES} more" if len(gappy) > _NAMED_SERIES else ""
        return f"{self.series_dimension} {named}{more}"

    def per_series(self, summary: Callable[[daily.DayValues], dict[str, Any]]) -> dict[str, Any]:
        """`observed` keys naming each series (only for checks that declare a series dimension)."""
        if not self.series_dimension:
            return {}
        return {
            "series_dimension": self.series_dimension,
            "per_series": {
                label: {**summary(part), "days_without_data": len(daily.missing_days(part))}
                for label, part in zip(self.labels, self.parts, strict=True)
            },
        }

    def evidence(self, params: Any, values: daily.DayValues, cost: CostEstimate, **observed: Any) -> dict[str, Any]:
        query = self.query
        return evidence(
            params,
            metric=f"{query.namespace} {query.metric_name}",
            statistic=query.statistic,
            period=query.period,
            lookback_days=query.lookback_days,
            values=daily.iso_values(values),
            cost=cost,
            **observed,
        )


__all__ = ["SeriesWindow"]
