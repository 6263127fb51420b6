"""MetricBatcher: every CloudWatch metric query of a cell in the fewest GetMetricData calls.

Checks add queries while they discover resources; the cell then calls `fetch()` once. Identical
queries collapse into one series. The calls follow `planning.plan_calls`: per window, at most
500 queries and 100,800 datapoints per call, so N queries of one window cost exactly
ceil(N / 500) calls when their datapoints allow — the physical minimum (plus any NextToken
pages CloudWatch chooses to return; each page is a request and is counted in `calls_made`).

Results are matched back by the deterministic query id (`ids.query_id`), never by position.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from orgsweep.clock import as_utc
from orgsweep.metrics.exceptions import MetricsError
from orgsweep.metrics.planning import (
    MAX_DATAPOINTS_PER_CALL,
    MAX_QUERIES_PER_CALL,
    PlannedCall,
    check_limits,
    check_query,
    plan_calls,
    utc_end_time,
)
from orgsweep.metrics.types import STATUS_COMPLETE, MetricQuery, MetricSeries

#: Our status for a query CloudWatch's response did not mention at all (not a CloudWatch StatusCode).
STATUS_NO_RESULT = "NoResult"


@dataclass(slots=True)
class _SeriesParts:
    """What arrived for one query so far, over pages and (for split queries) sub-windows."""

    points: list[tuple[datetime, float]] = field(default_factory=list)
    status: str = STATUS_COMPLETE
    messages: list[str] = field(default_factory=list)

    def merge(self, other: _SeriesParts) -> None:
        self.points.extend(other.points)
        self.messages.extend(other.messages)
        if other.status != STATUS_COMPLETE and self.status == STATUS_COMPLETE:
            self.status = other.status  # one incomplete piece makes the series incomplete

    def series(self, query: MetricQuery) -> MetricSeries:
        ordered = sorted(self.points, key=lambda point: point[0])
        return MetricSeries(
            query=query,
            timestamps=tuple(point[0] for point in ordered),
            values=tuple(point[1] for point in ordered),
            status=self.status,
            messages=tuple(self.messages),
        )


class MetricBatcher:
    """Collects MetricQuery objects and fetches them with GetMetricData.

    `client` is a CloudWatch client (rate limiting and retries are the client's business).
    Every query's window is [end_time - lookback_days, end_time); `end_time` must be aware UTC.

    `add`/`add_many` are thread-safe. `fetch()` may be called again after more adds: only new
    queries are fetched, and it returns the series of every query added so far. If a request
    fails, the botocore error propagates unchanged; queries whose calls completed keep their
    series (see `results()`), the rest stay `pending` and the next `fetch()` retries them.
    """

    def __init__(
        self,
        client: Any,
        *,
        end_time: datetime,
        max_queries_per_call: int = MAX_QUERIES_PER_CALL,
        max_datapoints_per_call: int = MAX_DATAPOINTS_PER_CALL,
    ) -> None:
        check_limits(max_queries_per_call, max_datapoints_per_call)
        self._client = client
        self._end_time = utc_end_time(end_time)
        self._max_queries = max_queries_per_call
        self._max_datapoints = max_datapoints_per_call
        self._lock = threading.Lock()  # guards the state below
        self._fetch_lock = threading.Lock()  # one fetch at a time, so no query is fetched twice
        self._pending: dict[MetricQuery, None] = {}  # insertion-ordered set
        self._results: dict[MetricQuery, MetricSeries] = {}
        self._calls_made = 0
        self._messages: list[str] = []

    @property
    def end_time(self) -> datetime:
        return self._end_time

    @property
    def calls_made(self) -> int:
        """GetMetricData requests sent (each NextToken page is one; botocore retries are not)."""
        with self._lock:
            return self._calls_made

    @property
    def pending(self) -> tuple[MetricQuery, ...]:
        """Queries added but not fetched yet."""
        with self._lock:
            return tuple(self._pending)

    @property
    def messages(self) -> tuple[str, ...]:
        """Call-level messages CloudWatch returned ("Code: Value"), in order."""
        with self._lock:
            return tuple(self._messages)

    def add(self, query: MetricQuery) -> None:
        """Queue `query`; a query already queued or fetched is not fetched again."""
        self.add_many((query,))

    def add_many(self, queries: Iterable[MetricQuery]) -> None:
        """Queue every query (duplicates collapse); all are validated first, so a bad one adds none."""
        batch = list(queries)
        for query in batch:
            check_query(query)
        with self._lock:
            for query in batch:
                if query not in self._results:
                    self._pending[query] = None

    def results(self) -> dict[MetricQuery, MetricSeries]:
        """Series fetched so far, without sending anything."""
        with self._lock:
            return dict(self._results)

    def fetch(self) -> dict[MetricQuery, MetricSeries]:
        """Fetch the pending queries; return the series of every query added so far."""
        with self._fetch_lock:
            todo = self.pending
            if todo:
                self._fetch(todo)
            return self.results()

    def _fetch(self, queries: tuple[MetricQuery, ...]) -> None:
        calls = plan_calls(
            queries,
            end_time=self._end_time,
            max_queries_per_call=self._max_queries,
            max_datapoints_per_call=self._max_datapoints,
        )
        pieces_left: dict[MetricQuery, int] = {}
        for call in calls:
            for piece in call.pieces:
                pieces_left[piece.query] = pieces_left.get(piece.query, 0) + 1
        collected: dict[MetricQuery, _SeriesParts] = {}
        for call in calls:
            answers = self._send(call)
            for piece in call.pieces:
                parts = collected.setdefault(piece.query, _SeriesParts())
                answer = answers.get(piece.query_id)
                parts.merge(answer if answer is not None else _no_result(call))
                pieces_left[piece.query] -= 1
                if pieces_left[piece.query] == 0:
                    self._complete(piece.query, parts.series(piece.query))

    def _complete(self, query: MetricQuery, series: MetricSeries) -> None:
        with self._lock:
            self._results[query] = series
            self._pending.pop(query, None)

    def _send(self, call: PlannedCall) -> dict[str, _SeriesParts]:
        """One planned call, following NextToken; the results merged by Id over its pages."""
        request = build_request(call)
        expected = {piece.query_id for piece in call.pieces}
        answers: dict[str, _SeriesParts] = {}
        token: str | None = None
        while True:
            kwargs = dict(request, NextToken=token) if token else request
            with self._lock:
                self._calls_made += 1
            response = self._client.get_metric_data(**kwargs)
            self._record_messages(response.get("Messages") or ())
            for result in response.get("MetricDataResults") or ():
                result_id = result.get("Id")
                if result_id not in expected:
                    self._record_messages([{"Code": "UnexpectedId", "Value": repr(result_id)}])
                    continue
                parts = answers.setdefault(result_id, _SeriesParts())
                parts.points.extend(_points(result))
                parts.messages.extend(_message_texts(result.get("Messages") or ()))
                # The last page's code wins: PartialData on an earlier page only means "more follows".
                parts.status = result.get("StatusCode") or STATUS_COMPLETE
            next_token = response.get("NextToken")
            if not next_token:
                return answers
            if next_token == token:
                raise MetricsError(f"GetMetricData returned the same NextToken twice for the call at {call.start}")
            token = next_token

    def _record_messages(self, messages: Iterable[Mapping[str, Any]]) -> None:
        texts = _message_texts(messages)
        if texts:
            with self._lock:
                self._messages.extend(texts)


def build_request(call: PlannedCall) -> dict[str, Any]:
    """GetMetricData keyword arguments for `call` (without NextToken)."""
    return {
        "MetricDataQueries": [
            {
                "Id": piece.query_id,
                "MetricStat": {
                    "Metric": {
                        "Namespace": piece.query.namespace,
                        "MetricName": piece.query.metric_name,
                        "Dimensions": [{"Name": name, "Value": value} for name, value in piece.query.dimensions],
                    },
                    "Period": piece.query.period,
                    "Stat": piece.query.statistic,
                },
                "ReturnData": True,
            }
            for piece in call.pieces
        ],
        "StartTime": call.start,
        "EndTime": call.end,
        "ScanBy": "TimestampAscending",
    }


def _no_result(call: PlannedCall) -> _SeriesParts:
    # AWS answers every Id; a silent gap must not read as "no datapoints" (that looks idle).
    message = f"{STATUS_NO_RESULT}: GetMetricData returned no result for the window starting {call.start.isoformat()}"
    return _SeriesParts(status=STATUS_NO_RESULT, messages=[message])


def _points(result: Mapping[str, Any]) -> list[tuple[datetime, float]]:
    timestamps = result.get("Timestamps") or []
    values = result.get("Values") or []
    if len(timestamps) != len(values):
        raise MetricsError(
            f"GetMetricData result {result.get('Id')!r} has {len(timestamps)} timestamps but {len(values)} values"
        )
    return [(as_utc(stamp), float(value)) for stamp, value in zip(timestamps, values, strict=True)]


def _message_texts(messages: Iterable[Mapping[str, Any]]) -> list[str]:
    return [f"{message.get('Code', '')}: {message.get('Value', '')}" for message in messages]


__all__ = ["STATUS_NO_RESULT", "MetricBatcher", "build_request"]
