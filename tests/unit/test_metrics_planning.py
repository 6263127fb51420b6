"""plan_calls: grouping by window, the 500-query and 100,800-datapoint limits, sub-window splits."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgsweep.metrics import (
    InvalidMetricQueryError,
    MetricBatchLimitError,
    MetricQuery,
    MetricsError,
    PlannedCall,
    plan_calls,
    query_id,
)
from orgsweep.metrics.planning import max_datapoints, split_query

pytestmark = pytest.mark.unit

END = datetime(2026, 1, 15, tzinfo=UTC)


def cpu(n: int, *, period: int = 86_400, lookback_days: int = 14, stat: str = "Average") -> MetricQuery:
    return MetricQuery("AWS/EC2", "CPUUtilization", (("InstanceId", f"i-{n:05d}"),), stat, period, lookback_days)


def test_1201_daily_queries_take_exactly_three_calls() -> None:
    calls = plan_calls([cpu(n) for n in range(1201)], end_time=END)

    assert [len(call.pieces) for call in calls] == [500, 500, 201]
    assert all((call.start, call.end) == (END - timedelta(days=14), END) for call in calls)
    planned = [piece.query for call in calls for piece in call.pieces]
    assert sorted(planned, key=query_id) == sorted({cpu(n) for n in range(1201)}, key=query_id)


@pytest.mark.parametrize("count", [1, 499, 500, 501, 1000, 1001, 2500])
def test_queries_of_one_window_take_the_physical_minimum_of_calls(count: int) -> None:
    assert len(plan_calls([cpu(n) for n in range(count)], end_time=END)) == math.ceil(count / 500)


def test_duplicates_collapse_into_one_piece() -> None:
    calls = plan_calls([cpu(1), cpu(1), cpu(2), cpu(1)], end_time=END)

    assert len(calls) == 1
    assert [piece.query for piece in calls[0].pieces] == sorted([cpu(1), cpu(2)], key=query_id)


def test_empty_input_plans_no_call() -> None:
    assert plan_calls([], end_time=END) == []


def test_minute_period_over_14_days_fits_five_queries_per_call() -> None:
    # 14 days at 60 s = 20,160 points; 100,800 / 20,160 = 5 exactly.
    assert max_datapoints(END - timedelta(days=14), END, 60) == 20_160
    calls = plan_calls([cpu(n, period=60) for n in range(12)], end_time=END)

    assert [len(call.pieces) for call in calls] == [5, 5, 2]
    assert [call.datapoints for call in calls] == [100_800, 100_800, 40_320]


@pytest.mark.parametrize(
    ("period", "lookback_days", "points"),
    [(86_400, 14, 14), (3600, 14, 336), (60, 1, 1440), (18_000, 1, 5), (604_800, 1, 1), (1, 1, 86_400)],
)
def test_a_query_may_return_ceil_of_window_over_period_points(period: int, lookback_days: int, points: int) -> None:
    (call,) = plan_calls([cpu(1, period=period, lookback_days=lookback_days)], end_time=END)
    assert call.datapoints == points


def test_a_period_that_does_not_divide_the_window_counts_its_last_partial_bucket() -> None:
    # 1 day at 5 h = 4.8 buckets, so up to 5 points each: 4 queries fill 20 points (not 5 of 4 points).
    calls = plan_calls(
        [cpu(n, period=18_000, lookback_days=1) for n in range(10)], end_time=END, max_datapoints_per_call=20
    )
    assert [len(call.pieces) for call in calls] == [4, 4, 2]


def test_mixed_sizes_respect_both_limits_per_call() -> None:
    queries = [cpu(n, period=60) for n in range(7)] + [cpu(n, period=300) for n in range(100, 140)]
    calls = plan_calls(queries, end_time=END)

    assert all(call.datapoints <= 100_800 and len(call.pieces) <= 500 for call in calls)
    # 7 * 20,160 + 40 * 4,032 = 302,400 points = 3 full calls: first-fit decreasing packs them perfectly.
    assert len(calls) == 3


def test_a_query_above_the_datapoint_limit_is_split_into_consecutive_sub_windows() -> None:
    second = MetricQuery("AWS/EC2", "CPUUtilization", (("InstanceId", "i-hires"),), "Maximum", 1, 14)
    calls = plan_calls([second], end_time=END)

    # 14 days at 1 s = 1,209,600 points = 12 sub-windows of 100,800 s.
    assert len(calls) == 12
    assert all(len(call.pieces) == 1 and call.datapoints == 100_800 for call in calls)
    assert calls[0].start == END - timedelta(days=14)
    assert calls[-1].end == END
    assert all(left.end == right.start for left, right in itertools.pairwise(calls))
    assert {call.pieces[0].query_id for call in calls} == {query_id(second)}


def test_the_last_sub_window_is_shorter_when_the_limit_does_not_divide_the_window() -> None:
    pieces = split_query(cpu(1, period=60, lookback_days=1), end_time=END, max_datapoints_per_call=1000)

    assert [piece.datapoints for piece in pieces] == [1000, 440]
    assert pieces[0].end - pieces[0].start == timedelta(seconds=60_000)
    assert (pieces[0].start, pieces[-1].end) == (END - timedelta(days=1), END)


def test_sub_windows_of_different_queries_share_calls_when_they_fit() -> None:
    queries = [cpu(n, period=60, lookback_days=1) for n in range(3)]
    calls = plan_calls(queries, end_time=END, max_datapoints_per_call=1000)

    # Each query: pieces of 1000 and 440 points. The heads fill a call each; two tails share one call.
    windows = defaultdict(list)
    for call in calls:
        windows[(call.start, call.end)].append(len(call.pieces))
    assert sorted(windows.values()) == [[1, 1, 1], [2, 1]]


def test_different_lookbacks_get_separate_windows_and_calls() -> None:
    calls = plan_calls([cpu(1, lookback_days=7), cpu(2, lookback_days=14), cpu(3, lookback_days=7)], end_time=END)

    by_window = {(call.start, call.end): {piece.query for piece in call.pieces} for call in calls}
    assert by_window == {
        (END - timedelta(days=14), END): {cpu(2, lookback_days=14)},
        (END - timedelta(days=7), END): {cpu(1, lookback_days=7), cpu(3, lookback_days=7)},
    }


def test_different_periods_of_one_window_share_a_call() -> None:
    queries = [cpu(1, period=86_400), cpu(2, period=3600), cpu(3, period=300)]
    calls = plan_calls(queries, end_time=END)

    assert len(calls) == 1
    assert {piece.query.period: piece.datapoints for piece in calls[0].pieces} == {86_400: 14, 3600: 336, 300: 4032}


def test_calls_never_mix_lookbacks_and_mixed_periods_pack_to_the_minimum() -> None:
    queries = [
        cpu(n, period=p, lookback_days=d) for n in range(600) for p, d in ((21_600, 14), (86_400, 14), (86_400, 30))
    ]
    calls = plan_calls(queries, end_time=END)

    assert all(len({piece.query.lookback_days for piece in call.pieces}) == 1 for call in calls)
    # 1,200 queries in the 14-day window (56 or 14 points: any 500 fit in 100,800) + 600 in the 30-day one.
    assert len(calls) == math.ceil(1200 / 500) + math.ceil(600 / 500)


def test_plan_is_deterministic_whatever_the_input_order() -> None:
    queries = [cpu(n, period=p, lookback_days=d) for n in range(40) for p in (60, 300, 86_400) for d in (7, 14)]

    def shape(calls: list[PlannedCall]) -> list[tuple[datetime, list[str]]]:
        return [(call.start, [piece.query_id for piece in call.pieces]) for call in calls]

    assert shape(plan_calls(queries, end_time=END)) == shape(plan_calls(list(reversed(queries)), end_time=END))


@pytest.mark.parametrize(
    ("max_queries", "max_points"),
    [(501, 100_800), (0, 100_800), (500, 100_801), (500, 0), (-1, 5)],
)
def test_limits_beyond_what_aws_accepts_are_rejected(max_queries: int, max_points: int) -> None:
    with pytest.raises(MetricBatchLimitError, match="max_"):
        plan_calls([cpu(1)], end_time=END, max_queries_per_call=max_queries, max_datapoints_per_call=max_points)


def test_smaller_limits_are_honoured() -> None:
    calls = plan_calls([cpu(n) for n in range(25)], end_time=END, max_queries_per_call=10)
    assert [len(call.pieces) for call in calls] == [10, 10, 5]


@pytest.mark.parametrize(
    "end_time",
    [datetime(2026, 1, 15), datetime(2026, 1, 15, tzinfo=timezone(timedelta(hours=2)))],  # noqa: DTZ001
)
def test_end_time_must_be_aware_utc(end_time: datetime) -> None:
    with pytest.raises(ValueError, match="end_time"):
        plan_calls([cpu(1)], end_time=end_time)


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        (MetricQuery("AWS/EC2", "CPUUtilization", (), "Average", 0, 14), "period"),
        (MetricQuery("AWS/EC2", "CPUUtilization", (), "Average", 90, 14), "period"),
        (MetricQuery("AWS/EC2", "CPUUtilization", (), "Average", 300, 0), "lookback_days"),
        (MetricQuery("", "CPUUtilization", (), "Average", 300, 14), "namespace"),
        (MetricQuery("AWS/EC2", "CPUUtilization", (), "", 300, 14), "statistic"),
        (MetricQuery("AWS/EC2", "X", tuple((f"d{n:02d}", "v") for n in range(31)), "Sum", 300, 14), "dimensions"),
        (MetricQuery("AWS/EC2", "X", (("InstanceId", ""),), "Sum", 300, 14), "dimensions"),
    ],
)
def test_queries_cloudwatch_would_reject_are_named(query: MetricQuery, problem: str) -> None:
    with pytest.raises(InvalidMetricQueryError, match=problem):
        plan_calls([cpu(1), query], end_time=END)


def test_high_resolution_periods_are_accepted() -> None:
    for period in (1, 5, 10, 20, 30, 60, 120):
        assert plan_calls([cpu(1, period=period, lookback_days=1)], end_time=END)


def test_an_id_collision_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("orgsweep.metrics.planning.query_id", lambda query: "mconstant")
    with pytest.raises(MetricsError, match="collision"):
        plan_calls([cpu(1), cpu(2)], end_time=END)


_periods = st.sampled_from([1, 10, 60, 300, 3600, 86_400])
_queries = st.builds(
    lambda n, period, days, stat: cpu(n, period=period, lookback_days=days, stat=stat),
    st.integers(0, 30),
    _periods,
    st.integers(1, 3),
    st.sampled_from(["Average", "Sum"]),
)


@settings(max_examples=60, deadline=None)
@given(queries=st.lists(_queries, max_size=40), max_queries=st.integers(1, 500), max_points=st.integers(2_000, 100_800))
def test_every_plan_respects_the_limits_and_covers_each_window_exactly(
    queries: list[MetricQuery], max_queries: int, max_points: int
) -> None:
    calls = plan_calls(queries, end_time=END, max_queries_per_call=max_queries, max_datapoints_per_call=max_points)

    covered: dict[MetricQuery, list[tuple[datetime, datetime]]] = defaultdict(list)
    for call in calls:
        assert 1 <= len(call.pieces) <= max_queries
        assert call.datapoints <= max_points
        assert len({piece.query_id for piece in call.pieces}) == len(call.pieces)
        for piece in call.pieces:
            assert (piece.start, piece.end) == (call.start, call.end)
            assert piece.datapoints == max_datapoints(piece.start, piece.end, piece.query.period)
            covered[piece.query].append((piece.start, piece.end))
    assert set(covered) == set(queries)
    for query, spans in covered.items():
        spans.sort()
        assert spans[0][0] == END - timedelta(days=query.lookback_days)
        assert spans[-1][1] == END
        assert all(left[1] == right[0] for left, right in itertools.pairwise(spans))
