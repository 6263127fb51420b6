"""MetricBatcher against in-memory fake CloudWatch clients: paging, merging, statuses, limits, threads."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from orgsweep.metrics import (
    STATUS_NO_RESULT,
    InvalidMetricQueryError,
    MetricBatcher,
    MetricBatchLimitError,
    MetricQuery,
    MetricSeries,
    MetricsError,
    query_id,
)

pytestmark = pytest.mark.unit

END = datetime(2026, 1, 15, tzinfo=UTC)
Key = tuple[str, str, tuple[tuple[str, str], ...], str, int]
Points = list[tuple[datetime, float]]


def cpu(n: int, *, period: int = 86_400, lookback_days: int = 14, stat: str = "Average") -> MetricQuery:
    return MetricQuery("AWS/EC2", "CPUUtilization", (("InstanceId", f"i-{n:05d}"),), stat, period, lookback_days)


def key_of(query: MetricQuery) -> Key:
    return (query.namespace, query.metric_name, query.dimensions, query.statistic, query.period)


def daily(values: list[float], *, end: datetime = END) -> Points:
    """One point per day, oldest first, the last one on the day before `end`."""
    return [(end - timedelta(days=len(values) - i), value) for i, value in enumerate(values)]


class FakeCloudWatch:
    """GetMetricData over a dict of series; answers `page_size` datapoints per page, like AWS does."""

    def __init__(self, data: Mapping[Key, Points] | None = None, *, page_size: int | None = None) -> None:
        self.data = dict(data or {})
        self.page_size = page_size
        self.requests: list[dict[str, Any]] = []

    def get_metric_data(self, **kwargs: Any) -> dict[str, Any]:
        self.requests.append(kwargs)
        token = kwargs.get("NextToken")
        if token is not None:  # a continuation must repeat the first request exactly
            first = self.requests[-1 - int(token)]
            assert {k: v for k, v in kwargs.items() if k != "NextToken"} == first
        pages = self._pages(kwargs)
        index = int(token or 0)
        response: dict[str, Any] = {"MetricDataResults": pages[index], "Messages": []}
        if index + 1 < len(pages):
            response["NextToken"] = str(index + 1)
        return response

    def _pages(self, request: dict[str, Any]) -> list[list[dict[str, Any]]]:
        start, end = request["StartTime"], request["EndTime"]
        pages: list[list[dict[str, Any]]] = [[]]
        room = self.page_size or 10**9
        for entry in request["MetricDataQueries"]:
            stat = entry["MetricStat"]
            metric = stat["Metric"]
            dims = tuple(sorted((d["Name"], d["Value"]) for d in metric["Dimensions"]))
            key = (metric["Namespace"], metric["MetricName"], dims, stat["Stat"], stat["Period"])
            points = [(ts, v) for ts, v in self.data.get(key, []) if start <= ts < end]
            if not points:
                pages[-1].append(_result(entry["Id"], [], "Complete"))
            while points:
                if room == 0:
                    pages.append([])
                    room = self.page_size or 10**9
                chunk, points = points[:room], points[room:]
                room -= len(chunk)
                pages[-1].append(_result(entry["Id"], chunk, "PartialData" if points else "Complete"))
        return pages


def _result(result_id: str, points: Points, status: str, **extra: Any) -> dict[str, Any]:
    return {
        "Id": result_id,
        "Label": result_id,
        "Timestamps": [ts for ts, _ in points],
        "Values": [v for _, v in points],
        "StatusCode": status,
        **extra,
    }


class ScriptedCloudWatch:
    """Returns the given responses in order, whatever is asked."""

    def __init__(self, responses: list[dict[str, Any] | Exception]) -> None:
        self._responses: Iterator[dict[str, Any] | Exception] = iter(responses)
        self.requests: list[dict[str, Any]] = []

    def get_metric_data(self, **kwargs: Any) -> dict[str, Any]:
        self.requests.append(kwargs)
        response = next(self._responses)
        if isinstance(response, Exception):
            raise response
        return response


def test_values_map_back_to_their_queries_and_a_query_without_data_gets_an_empty_series() -> None:
    busy, idle, missing = cpu(1), cpu(2, stat="Maximum"), cpu(3)
    client = FakeCloudWatch({key_of(busy): daily([50.0, 60.0, 70.0]), key_of(idle): daily([0.5, 0.25])})
    batcher = MetricBatcher(client, end_time=END)
    batcher.add_many([busy, idle, missing])

    result = batcher.fetch()

    assert set(result) == {busy, idle, missing}
    assert result[busy] == MetricSeries(busy, tuple(ts for ts, _ in daily([0, 0, 0])), (50.0, 60.0, 70.0))
    assert result[idle].values == (0.5, 0.25)
    assert result[missing] == MetricSeries(missing)
    assert result[missing].is_empty and result[missing].is_complete
    assert batcher.calls_made == 1


def test_the_request_has_the_documented_shape() -> None:
    query = MetricQuery("AWS/EBS", "VolumeReadOps", (("VolumeId", "vol-1"),), "Sum", 3600, 7)
    client = FakeCloudWatch()
    batcher = MetricBatcher(client, end_time=END)
    batcher.add(query)
    batcher.fetch()

    assert client.requests == [
        {
            "MetricDataQueries": [
                {
                    "Id": query_id(query),
                    "MetricStat": {
                        "Metric": {
                            "Namespace": "AWS/EBS",
                            "MetricName": "VolumeReadOps",
                            "Dimensions": [{"Name": "VolumeId", "Value": "vol-1"}],
                        },
                        "Period": 3600,
                        "Stat": "Sum",
                    },
                    "ReturnData": True,
                }
            ],
            "StartTime": END - timedelta(days=7),
            "EndTime": END,
            "ScanBy": "TimestampAscending",
        }
    ]


def test_next_token_is_followed_results_are_concatenated_and_every_page_is_a_call() -> None:
    first, second = cpu(1), cpu(2)
    data = {key_of(first): daily([1.0, 2.0, 3.0, 4.0, 5.0]), key_of(second): daily([6.0, 7.0, 8.0, 9.0])}
    client = FakeCloudWatch(data, page_size=3)  # pages: first x3 | first x2, second x1 | second x3
    batcher = MetricBatcher(client, end_time=END)
    batcher.add_many([first, second])

    result = batcher.fetch()

    assert result[first].values == (1.0, 2.0, 3.0, 4.0, 5.0)
    assert result[second].values == (6.0, 7.0, 8.0, 9.0)
    assert result[first].is_complete and result[second].is_complete
    assert batcher.calls_made == 3
    assert [request.get("NextToken") for request in client.requests] == [None, "1", "2"]


def test_partial_data_keeps_following_and_a_final_error_status_keeps_what_came() -> None:
    query = cpu(1)
    qid = query_id(query)
    days = daily([1.0, 2.0, 3.0])
    client = ScriptedCloudWatch(
        [
            {"MetricDataResults": [_result(qid, days[:2], "PartialData")], "NextToken": "t1", "Messages": []},
            {
                "MetricDataResults": [
                    _result(qid, days[2:], "InternalError", Messages=[{"Code": "Oops", "Value": "try later"}])
                ],
                "Messages": [{"Code": "MaxQueryTimeRangeExceed", "Value": "part of the range is out of retention"}],
            },
        ]
    )
    batcher = MetricBatcher(client, end_time=END)
    batcher.add(query)

    series = batcher.fetch()[query]

    assert series.values == (1.0, 2.0, 3.0)
    assert series.status == "InternalError"
    assert not series.is_complete
    assert series.messages == ("Oops: try later",)
    assert batcher.messages == ("MaxQueryTimeRangeExceed: part of the range is out of retention",)
    assert batcher.calls_made == 2
    assert client.requests[1]["NextToken"] == "t1"


def test_partial_data_on_the_last_page_is_reported_not_hidden() -> None:
    query = cpu(1)
    client = ScriptedCloudWatch([{"MetricDataResults": [_result(query_id(query), daily([4.0]), "PartialData")]}])
    batcher = MetricBatcher(client, end_time=END)
    batcher.add(query)

    assert batcher.fetch()[query].status == "PartialData"


def test_values_come_back_sorted_by_timestamp_in_aware_utc() -> None:
    query = cpu(1)
    plus_two = timezone(timedelta(hours=2))
    stamps = [
        datetime(2026, 1, 10, 2, tzinfo=plus_two),  # = 2026-01-10 00:00 UTC
        datetime(2026, 1, 12),  # noqa: DTZ001 - naive values on the wire are UTC
        datetime(2026, 1, 8, tzinfo=UTC),
    ]
    result = _result(query_id(query), list(zip(stamps, [10.0, 12.0, 8.0], strict=True)), "Complete")
    batcher = MetricBatcher(ScriptedCloudWatch([{"MetricDataResults": [result]}]), end_time=END)
    batcher.add(query)

    series = batcher.fetch()[query]

    assert series.timestamps == tuple(datetime(2026, 1, day, tzinfo=UTC) for day in (8, 10, 12))
    assert all(ts.tzinfo is UTC for ts in series.timestamps)
    assert series.values == (8.0, 10.0, 12.0)


def test_results_for_ids_that_were_not_asked_are_recorded_and_ignored() -> None:
    query = cpu(1)
    results = [_result("mstranger", daily([1.0]), "Complete"), _result(query_id(query), daily([2.0]), "Complete")]
    batcher = MetricBatcher(ScriptedCloudWatch([{"MetricDataResults": results}]), end_time=END)
    batcher.add(query)

    assert batcher.fetch() == {query: MetricSeries(query, (END - timedelta(days=1),), (2.0,))}
    assert batcher.messages == ("UnexpectedId: 'mstranger'",)


def test_a_query_the_response_left_out_is_marked_not_complete() -> None:
    answered, forgotten = cpu(1), cpu(2)
    response = {"MetricDataResults": [_result(query_id(answered), daily([1.0]), "Complete")]}
    batcher = MetricBatcher(ScriptedCloudWatch([response]), end_time=END)
    batcher.add_many([answered, forgotten])

    result = batcher.fetch()

    assert result[answered].is_complete
    assert result[forgotten].is_empty
    assert result[forgotten].status == STATUS_NO_RESULT
    assert not result[forgotten].is_complete
    assert result[forgotten].messages[0].startswith("NoResult: ")


def test_a_repeated_next_token_stops_instead_of_looping() -> None:
    page = {"MetricDataResults": [], "NextToken": "same"}
    batcher = MetricBatcher(ScriptedCloudWatch([page, page, page]), end_time=END)
    batcher.add(cpu(1))

    with pytest.raises(MetricsError, match="same NextToken"):
        batcher.fetch()


def test_a_result_with_mismatched_timestamps_and_values_is_an_error() -> None:
    query = cpu(1)
    broken = {"Id": query_id(query), "Timestamps": [END - timedelta(days=1)], "Values": [], "StatusCode": "Complete"}
    batcher = MetricBatcher(ScriptedCloudWatch([{"MetricDataResults": [broken]}]), end_time=END)
    batcher.add(query)

    with pytest.raises(MetricsError, match="1 timestamps but 0 values"):
        batcher.fetch()


def test_duplicates_share_one_series_and_one_request_entry() -> None:
    client = FakeCloudWatch({key_of(cpu(1)): daily([3.0])})
    batcher = MetricBatcher(client, end_time=END)
    batcher.add(cpu(1))
    batcher.add_many([cpu(1), cpu(1)])
    batcher.add(MetricQuery("AWS/EC2", "CPUUtilization", [["InstanceId", "i-00001"]], "Average", 86_400, 14))  # type: ignore[arg-type]

    assert batcher.fetch() == {cpu(1): MetricSeries(cpu(1), (END - timedelta(days=1),), (3.0,))}
    assert len(client.requests[0]["MetricDataQueries"]) == 1


def test_a_second_fetch_sends_only_new_queries_and_returns_all() -> None:
    client = FakeCloudWatch({key_of(cpu(1)): daily([1.0]), key_of(cpu(2)): daily([2.0])})
    batcher = MetricBatcher(client, end_time=END)
    batcher.add(cpu(1))
    first = batcher.fetch()
    batcher.add_many([cpu(1), cpu(2)])

    second = batcher.fetch()
    third = batcher.fetch()

    assert set(first) == {cpu(1)}
    assert second == third == {cpu(1): first[cpu(1)], cpu(2): MetricSeries(cpu(2), (END - timedelta(days=1),), (2.0,))}
    assert [[q["Id"] for q in r["MetricDataQueries"]] for r in client.requests] == [
        [query_id(cpu(1))],
        [query_id(cpu(2))],
    ]
    assert batcher.calls_made == 2


def test_adding_a_fetched_query_again_does_not_fetch_it_again() -> None:
    client = FakeCloudWatch({key_of(cpu(1)): daily([1.0])})
    batcher = MetricBatcher(client, end_time=END)
    batcher.add(cpu(1))
    first = batcher.fetch()
    batcher.add(cpu(1))

    assert batcher.pending == ()
    assert batcher.fetch() == first
    assert batcher.calls_made == len(client.requests) == 1


def test_fetch_with_nothing_added_sends_nothing() -> None:
    client = FakeCloudWatch()
    batcher = MetricBatcher(client, end_time=END)

    assert batcher.fetch() == {}
    assert batcher.calls_made == 0
    assert client.requests == []


def test_1201_queries_take_three_calls() -> None:
    client = FakeCloudWatch()
    batcher = MetricBatcher(client, end_time=END)
    batcher.add_many(cpu(n) for n in range(1201))

    assert len(batcher.fetch()) == 1201
    assert batcher.calls_made == 3
    assert [len(r["MetricDataQueries"]) for r in client.requests] == [500, 500, 201]


def test_an_over_limit_query_is_fetched_in_sub_windows_and_merged_back() -> None:
    query = cpu(1, period=60, lookback_days=1)
    minutes = [(END - timedelta(minutes=1440 - i), float(i)) for i in range(1440)]
    client = FakeCloudWatch({key_of(query): minutes})
    batcher = MetricBatcher(client, end_time=END, max_datapoints_per_call=1000)
    batcher.add(query)

    series = batcher.fetch()[query]

    assert list(zip(series.timestamps, series.values, strict=True)) == minutes
    assert [(r["StartTime"], r["EndTime"]) for r in client.requests] == [
        (END - timedelta(days=1), END - timedelta(days=1) + timedelta(minutes=1000)),
        (END - timedelta(days=1) + timedelta(minutes=1000), END),
    ]
    assert batcher.calls_made == 2


def test_a_failed_call_propagates_keeps_finished_series_and_leaves_the_rest_pending() -> None:
    ordered = sorted([cpu(1), cpu(2), cpu(3)], key=query_id)  # the planner packs equal sizes by id
    first_call = {"MetricDataResults": [_result(query_id(q), daily([1.0]), "Complete") for q in ordered[:2]]}
    retry = {"MetricDataResults": [_result(query_id(ordered[2]), daily([9.0]), "Complete")]}
    client = ScriptedCloudWatch([first_call, RuntimeError("throttled for good"), retry])
    batcher = MetricBatcher(client, end_time=END, max_queries_per_call=2)
    batcher.add_many(ordered)

    with pytest.raises(RuntimeError, match="throttled for good"):
        batcher.fetch()

    assert set(batcher.results()) == set(ordered[:2])
    assert batcher.pending == (ordered[2],)
    assert batcher.calls_made == 2

    retried = batcher.fetch()

    assert set(retried) == set(ordered)
    assert retried[ordered[2]].values == (9.0,)
    assert [q["Id"] for q in client.requests[2]["MetricDataQueries"]] == [query_id(ordered[2])]
    assert len(batcher.pending) == 0
    assert batcher.calls_made == 3


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"max_queries_per_call": 501}, "max_queries_per_call"),
        ({"max_queries_per_call": 0}, "max_queries_per_call"),
        ({"max_datapoints_per_call": 100_801}, "max_datapoints_per_call"),
        ({"max_datapoints_per_call": 0}, "max_datapoints_per_call"),
    ],
)
def test_limits_above_what_aws_accepts_are_refused(kwargs: dict[str, int], match: str) -> None:
    with pytest.raises(MetricBatchLimitError, match=match):
        MetricBatcher(FakeCloudWatch(), end_time=END, **kwargs)


@pytest.mark.parametrize(
    "end_time",
    [datetime(2026, 1, 15), datetime(2026, 1, 15, tzinfo=timezone(timedelta(hours=-5)))],  # noqa: DTZ001
)
def test_end_time_must_be_aware_utc(end_time: datetime) -> None:
    with pytest.raises(ValueError, match="end_time"):
        MetricBatcher(FakeCloudWatch(), end_time=end_time)


def test_an_invalid_query_is_refused_on_add_and_add_many_is_all_or_nothing() -> None:
    batcher = MetricBatcher(FakeCloudWatch(), end_time=END)
    with pytest.raises(InvalidMetricQueryError, match="period"):
        batcher.add(cpu(1, period=90))
    with pytest.raises(InvalidMetricQueryError, match="MetricQuery"):
        batcher.add("AWS/EC2 CPUUtilization")  # type: ignore[arg-type]
    with pytest.raises(InvalidMetricQueryError, match="lookback_days"):
        batcher.add_many([cpu(1), cpu(2, lookback_days=0)])

    assert batcher.pending == ()


def test_concurrent_adds_lose_nothing_and_collapse_duplicates() -> None:
    client = FakeCloudWatch()
    batcher = MetricBatcher(client, end_time=END)
    start = threading.Barrier(8)

    def add_range(worker: int) -> None:
        start.wait()
        for n in range(worker * 100, worker * 100 + 300):  # each range overlaps the next two workers'
            batcher.add(cpu(n))

    threads = [threading.Thread(target=add_range, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert set(batcher.pending) == {cpu(n) for n in range(1000)}
    assert len(batcher.fetch()) == 1000
    assert batcher.calls_made == 2
