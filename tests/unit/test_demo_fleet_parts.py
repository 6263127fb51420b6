"""Pure parts of the demo fleet: its shape, the metric history writer, ground-truth scoring."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from orgsweep.types import Verdict
from orgsweep_local.demo.exceptions import FleetSpecError
from orgsweep_local.demo.ground_truth import Expectation, GroundTruth
from orgsweep_local.demo.history import MAX_VALUES_PER_CALL, MetricHistory
from orgsweep_local.demo.types import FleetSpec

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


class RecordingCloudWatch:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def put_metric_data(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"accounts": 0}, "accounts must be between 1 and 50"),
        ({"regions": ()}, "at least one region"),
        ({"regions": ("us-east-1", "us-east-1")}, "repeat"),
        ({"regions": ("EU-west-1",)}, "not an AWS region name"),
        ({"history_days": 7}, "history_days"),
        ({"points_per_day": 0}, "points_per_day"),
    ],
)
def test_fleet_spec_rejects_bad_shapes(kwargs: dict[str, Any], problem: str) -> None:
    with pytest.raises(FleetSpecError, match=problem):
        FleetSpec(**kwargs)


def test_account_layout_is_nested_and_names_stay_unique() -> None:
    layout = FleetSpec(accounts=10).account_layout()
    names = [name for name, _ in layout]
    assert len(set(names)) == 10
    assert names[:2] == ["prod-payments", "prod-web"] and names[8] == "prod-payments-2"
    assert max(len(path) for _, path in layout) >= 3  # OUs nested three deep


def _history(points_per_day: int = 3, seed: int = 1) -> tuple[MetricHistory, RecordingCloudWatch]:
    client = RecordingCloudWatch()
    return MetricHistory(client, now=NOW, points_per_day=points_per_day, rng=random.Random(seed)), client


def test_samples_cover_every_day_up_to_now_and_never_the_future() -> None:
    history, _ = _history()
    times = history.timestamps(5)
    days = sorted({t.date() for t in times})
    assert days == [(NOW - timedelta(days=d)).date() for d in range(4, -1, -1)]
    assert all(t < NOW for t in times)
    # today so far: only the samples before 09:30 (one of three at ~04:00)
    assert sum(t.date() == NOW.date() for t in times) == 1
    earlier = history.timestamps(3, ending_days_ago=10)
    assert max(earlier).date() == (NOW - timedelta(days=10)).date()


def test_per_day_values_sum_within_the_daily_bounds() -> None:
    history, client = _history(points_per_day=4)
    history.add("AWS/NATGateway", "BytesOutToDestination", {"NatGatewayId": "nat-1"}, low=100.0, high=200.0,
                days=10, ending_days_ago=1, per_day=True)
    history.flush()
    by_day: dict[Any, float] = {}
    for call in client.calls:
        for datum in call["MetricData"]:
            by_day[datum["Timestamp"].date()] = by_day.get(datum["Timestamp"].date(), 0.0) + datum["Value"]
    assert len(by_day) == 10
    assert all(100.0 - 0.01 <= total <= 200.0 + 0.01 for total in by_day.values())


def test_flush_batches_at_most_1000_values_per_call_and_per_namespace() -> None:
    history, client = _history(points_per_day=24)
    for index in range(5):
        history.add("AWS/EC2", "CPUUtilization", {"InstanceId": f"i-{index}"}, low=1, high=2, days=30)
    history.add("AWS/Lambda", "Invocations", {"FunctionName": "fn"}, low=1, high=2, days=3)
    history.flush()
    assert all(len(c["MetricData"]) <= MAX_VALUES_PER_CALL for c in client.calls)
    assert history.values_written == sum(len(c["MetricData"]) for c in client.calls)
    namespaces = [c["Namespace"] for c in client.calls]
    assert "AWS/Lambda" in namespaces and "AWS/EC2" in namespaces


def test_same_seed_same_history() -> None:
    def values(seed: int) -> list[float]:
        history, client = _history(seed=seed)
        history.add("AWS/RDS", "DatabaseConnections", {"DBInstanceIdentifier": "db"}, low=0, high=50, days=14)
        history.flush()
        return [d["Value"] for c in client.calls for d in c["MetricData"]]

    assert values(7) == values(7) != values(8)


def _truth() -> GroundTruth:
    truth = GroundTruth()
    for check_id, resource_id, verdict in (
        ("ebs-volume-unattached", "vol-1", Verdict.FLAGGED),
        ("ebs-volume-unattached", "vol-2", Verdict.OK),
        ("rds-instance-idle", "db-1", Verdict.INSUFFICIENT_DATA),
    ):
        aliases = (f"arn:{resource_id}",)
        truth.add(Expectation("111111111111", "us-east-1", check_id, resource_id, verdict, "s", aliases))
    return truth


def _finding(check_id: str, resource_id: str, verdict: str, arn: str = "") -> dict[str, str]:
    return {"account_id": "111111111111", "region": "us-east-1", "check_id": check_id, "resource_id": resource_id,
            "resource_arn": arn, "verdict": verdict}


def test_compare_accepts_exactly_the_expected_findings_by_id_or_alias() -> None:
    comparison = _truth().compare(
        [_finding("ebs-volume-unattached", "other-name", "flagged", "arn:vol-1"),
         _finding("rds-instance-idle", "db-1", "insufficient_data")]
    )
    assert comparison.ok and comparison.matched == 3 and comparison.expected_findings == 2


def test_compare_reports_misses_false_positives_and_unseeded_findings() -> None:
    comparison = _truth().compare(
        [_finding("ebs-volume-unattached", "vol-2", "flagged"),
         _finding("rds-instance-idle", "db-1", "flagged"),
         _finding("eni-unattached", "eni-9", "flagged")]
    )
    assert comparison.by_kind() == {"flagged->ok": 1, "ok->flagged": 1, "insufficient_data->flagged": 1,
                                    "absent->flagged": 1}
    only_other_account = _truth().compare([], cells=[("222222222222", "us-east-1")])
    assert only_other_account.ok and only_other_account.matched == 0


def test_ground_truth_round_trips_through_json() -> None:
    truth = _truth()
    assert GroundTruth.from_json(truth.to_json()).expectations == truth.expectations
    with pytest.raises(ValueError, match="ground-truth"):
        GroundTruth.from_json('{"format": "other", "expectations": []}')
