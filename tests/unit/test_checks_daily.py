from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from orgsweep.checks import daily
from orgsweep.metrics.types import MetricQuery, MetricSeries
from orgsweep.types import Verdict

pytestmark = pytest.mark.unit

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
QUERY = daily.daily_query("AWS/EC2", "CPUUtilization", {"InstanceId": "i-1"}, "Average", 3)


def _series(points: dict[datetime, float], status: str = "Complete", query: MetricQuery = QUERY) -> MetricSeries:
    ordered = sorted(points.items())
    return MetricSeries(query, tuple(t for t, _ in ordered), tuple(v for _, v in ordered), status=status)


def test_window_is_whole_utc_days_ending_at_the_start_of_today() -> None:
    assert daily.window_end(NOW) == datetime(2026, 1, 15, tzinfo=UTC)
    assert daily.window_days(NOW, 3) == [date(2026, 1, 12), date(2026, 1, 13), date(2026, 1, 14)]
    # 2026-01-15 01:00 at UTC+05:00 is still 2026-01-14 in UTC.
    east = datetime(2026, 1, 15, 1, 0, tzinfo=timezone(timedelta(hours=5)))
    assert daily.window_end(east) == datetime(2026, 1, 14, tzinfo=UTC)


def test_daily_query_shape() -> None:
    assert (QUERY.period, QUERY.lookback_days, QUERY.statistic) == (86_400, 3, "Average")
    assert QUERY.dimensions == (("InstanceId", "i-1"),)


def test_day_values_maps_datapoints_to_window_days_and_drops_the_rest() -> None:
    points = {
        datetime(2026, 1, 11, tzinfo=UTC): 99.0,  # before the window
        datetime(2026, 1, 12, tzinfo=UTC): 1.0,
        datetime(2026, 1, 14, tzinfo=UTC): 3.0,
        datetime(2026, 1, 15, tzinfo=UTC): 99.0,  # today: still filling, never counts
    }
    values = daily.day_values({QUERY: _series(points)}, QUERY, NOW)
    assert values == {date(2026, 1, 12): 1.0, date(2026, 1, 13): None, date(2026, 1, 14): 3.0}
    assert daily.missing_days(values) == [date(2026, 1, 13)]
    assert daily.iso_values(values) == {"2026-01-12": 1.0, "2026-01-13": None, "2026-01-14": 3.0}


def test_absent_query_reads_as_no_data_and_is_a_data_problem() -> None:
    assert daily.day_values({}, QUERY, NOW) == dict.fromkeys(daily.window_days(NOW, 3))
    assert daily.data_problems({}, QUERY) == ["CPUUtilization: not fetched"]


def test_incomplete_series_is_a_data_problem() -> None:
    forbidden = MetricSeries(QUERY, status="Forbidden", messages=("Forbidden: no access",))
    assert daily.data_problems({QUERY: forbidden}, QUERY) == ["CPUUtilization: Forbidden (Forbidden: no access)"]
    assert daily.data_problems({QUERY: _series({})}, QUERY) == []


def test_add_days_and_complete_days() -> None:
    d1, d2, d3 = daily.window_days(NOW, 3)
    a = {d1: 1.0, d2: None, d3: 2.0}
    b = {d1: 10.0, d2: None, d3: None}
    assert daily.add_days(a, b) == {d1: 11.0, d2: None, d3: 2.0}
    assert daily.complete_days(a, b) == [d1]


@pytest.mark.parametrize(
    ("values", "problems", "verdict"),
    [
        ([0.0, 0.0, 0.0], (), Verdict.FLAGGED),
        ([0.0, 2.0, 0.0], (), Verdict.FLAGGED),  # == limit
        ([0.0, 2.5, 0.0], (), Verdict.OK),  # just past
        ([0.0, None, 0.0], (), Verdict.INSUFFICIENT_DATA),
        ([None, None, None], (), Verdict.INSUFFICIENT_DATA),
        ([None, 9.0, None], (), Verdict.OK),  # activity beats missing days
        ([0.0, 0.0, 0.0], ("x: Forbidden",), Verdict.INSUFFICIENT_DATA),
        ([9.0, 0.0, 0.0], ("x: PartialData",), Verdict.OK),
    ],
)
def test_max_rule(values: list[float | None], problems: tuple[str, ...], verdict: Verdict) -> None:
    by_day = dict(zip(daily.window_days(NOW, 3), values, strict=True))
    assert daily.max_rule(by_day, 2, problems)[0] is verdict


def test_max_days_takes_the_per_day_maximum_of_the_known_values() -> None:
    d1, d2, d3 = daily.window_days(NOW, 3)
    a = {d1: 1.0, d2: None, d3: 0.0}
    b = {d1: 0.0, d2: 4.0, d3: None}
    assert daily.max_days(a, b) == {d1: 1.0, d2: 4.0, d3: 0.0}
    assert daily.max_days(a, {d1: None, d2: None, d3: None}) == a


@pytest.mark.parametrize(
    ("parts", "problems", "verdict", "peak"),
    [
        ([[0.0, 1.0, 0.0], [2.0, 0.0, 0.0]], (), Verdict.FLAGGED, 2.0),
        ([[0.0, 0.0, 0.0], [0.0, 3.0, None]], (), Verdict.OK, 3.0),  # one busy node beats its own gap
        ([[0.0, 0.0, 0.0], [1.0, 1.0, None]], (), Verdict.INSUFFICIENT_DATA, 1.0),  # a gap on one node
        ([[0.0, 0.0, 0.0], [None, None, None]], (), Verdict.INSUFFICIENT_DATA, 0.0),  # a silent node
        ([[None, None, None], [None, 9.0, None]], (), Verdict.OK, 9.0),
        ([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]], ("x: Forbidden",), Verdict.INSUFFICIENT_DATA, 0.0),
        ([], (), Verdict.INSUFFICIENT_DATA, None),
    ],
)
def test_max_rule_across_series(
    parts: list[list[float | None]], problems: tuple[str, ...], verdict: Verdict, peak: float | None
) -> None:
    days = daily.window_days(NOW, 3)
    by_day = [dict(zip(days, values, strict=True)) for values in parts]
    assert daily.max_rule_across(by_day, 2, problems) == (verdict, peak)


def test_data_problems_can_name_each_series() -> None:
    node = daily.daily_query("AWS/ElastiCache", "CurrConnections", {"CacheNodeId": "0002"}, "Maximum", 3)
    problems = daily.data_problems({}, node, name=lambda q: f"{q.metric_name} ({dict(q.dimensions)['CacheNodeId']})")
    assert problems == ["CurrConnections (0002): not fetched"]


@pytest.mark.parametrize(
    ("values", "problems", "verdict", "total"),
    [
        ([None, None, None], (), Verdict.FLAGGED, 0.0),
        ([1.0, None, 1.0], (), Verdict.FLAGGED, 2.0),  # == limit
        ([1.0, 1.0, 1.0], (), Verdict.OK, 3.0),
        ([None, None, None], ("x: Forbidden",), Verdict.INSUFFICIENT_DATA, 0.0),
        ([5.0, None, None], ("x: Forbidden",), Verdict.OK, 5.0),
    ],
)
def test_total_rule_zero(values: list[float | None], problems: tuple[str, ...], verdict: Verdict, total: float) -> None:
    by_day = dict(zip(daily.window_days(NOW, 3), values, strict=True))
    assert daily.total_rule_zero(by_day, 2, problems) == (verdict, total)
