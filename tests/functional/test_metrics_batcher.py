"""MetricBatcher through a real boto3 CloudWatch client inside moto.

moto ignores the namespace when dimensions are given, so every metric here has its own
dimension values: a query answered with another metric's data shows up as wrong values.
Namespaces are checked on the wire instead (captured request parameters).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from orgsweep.metrics import MetricBatcher, MetricQuery, query_id

pytestmark = pytest.mark.functional

END = datetime(2025, 6, 1, tzinfo=UTC)  # midnight, in the past: moto keeps any timestamp
DAYS = [END - timedelta(days=d) for d in (3, 2, 1)]

CPU_BUSY_AVG = MetricQuery("AWS/EC2", "CPUUtilization", (("InstanceId", "i-busy"),), "Average", 86_400, 14)
CPU_BUSY_MAX = MetricQuery("AWS/EC2", "CPUUtilization", (("InstanceId", "i-busy"),), "Maximum", 86_400, 14)
CPU_IDLE = MetricQuery("AWS/EC2", "CPUUtilization", (("InstanceId", "i-idle"),), "Average", 86_400, 14)
NET_IN = MetricQuery("AWS/EC2", "NetworkIn", (("InstanceId", "i-net"),), "Sum", 3600, 1)
EBS_READ = MetricQuery("AWS/EBS", "VolumeReadOps", (("VolumeId", "vol-read"),), "Sum", 86_400, 7)
EBS_WRITE = MetricQuery("AWS/EBS", "VolumeWriteOps", (("VolumeId", "vol-write"),), "Sum", 86_400, 7)
EBS_NONE = MetricQuery("AWS/EBS", "VolumeIdleTime", (("VolumeId", "vol-none"),), "Average", 86_400, 7)


@pytest.fixture
def cloudwatch(aws: None) -> Any:
    return boto3.client("cloudwatch", region_name="us-east-1")


@pytest.fixture
def sent(cloudwatch: Any) -> Iterator[list[dict[str, Any]]]:
    """Parameters of every GetMetricData request the client makes (one entry per API call)."""
    requests: list[dict[str, Any]] = []

    def capture(params: dict[str, Any], **_: Any) -> None:
        requests.append(dict(params))

    cloudwatch.meta.events.register("provide-client-params.cloudwatch.GetMetricData", capture)
    yield requests


def put(
    cloudwatch: Any, namespace: str, name: str, dimension: tuple[str, str], points: list[tuple[datetime, float]]
) -> None:
    cloudwatch.put_metric_data(
        Namespace=namespace,
        MetricData=[
            {
                "MetricName": name,
                "Dimensions": [{"Name": dimension[0], "Value": dimension[1]}],
                "Timestamp": timestamp,
                "Value": value,
            }
            for timestamp, value in points
        ],
    )


def seed_fleet(cloudwatch: Any) -> None:
    # Two samples a day (06:00 and 18:00): Average, Maximum and Sum all differ.
    cpu = [(day + timedelta(hours=h), v) for i, day in enumerate(DAYS) for h, v in ((6, 10.0 * i), (18, 10.0 * i + 4))]
    put(cloudwatch, "AWS/EC2", "CPUUtilization", ("InstanceId", "i-busy"), cpu)
    hours = [END - timedelta(hours=24 - h) + timedelta(minutes=30) for h in range(24)]
    put(cloudwatch, "AWS/EC2", "NetworkIn", ("InstanceId", "i-net"), [(t, 1000.0 + n) for n, t in enumerate(hours)])
    reads = [(day + timedelta(hours=h), 5.0) for day in DAYS for h in (1, 2)]
    put(cloudwatch, "AWS/EBS", "VolumeReadOps", ("VolumeId", "vol-read"), reads)
    put(cloudwatch, "AWS/EBS", "VolumeWriteOps", ("VolumeId", "vol-write"), [(DAYS[-1] + timedelta(hours=3), 42.0)])


def test_values_map_back_to_the_right_queries(cloudwatch: Any, sent: list[dict[str, Any]]) -> None:
    seed_fleet(cloudwatch)
    queries = [CPU_BUSY_AVG, CPU_BUSY_MAX, CPU_IDLE, NET_IN, EBS_READ, EBS_WRITE, EBS_NONE]
    batcher = MetricBatcher(cloudwatch, end_time=END)
    batcher.add_many(queries)
    batcher.add(CPU_BUSY_AVG)  # a second check asking the same series

    result = batcher.fetch()

    assert set(result) == set(queries)
    assert result[CPU_BUSY_AVG].as_dict() == {DAYS[0]: 2.0, DAYS[1]: 12.0, DAYS[2]: 22.0}
    assert result[CPU_BUSY_MAX].as_dict() == {DAYS[0]: 4.0, DAYS[1]: 14.0, DAYS[2]: 24.0}
    assert result[NET_IN].values == tuple(1000.0 + n for n in range(24))
    assert result[NET_IN].timestamps == tuple(END - timedelta(hours=24 - h) for h in range(24))
    assert result[EBS_READ].as_dict() == {day: 10.0 for day in DAYS}
    assert result[EBS_WRITE].as_dict() == {DAYS[-1]: 42.0}
    assert result[CPU_IDLE].is_empty and result[CPU_IDLE].is_complete
    assert result[EBS_NONE].is_empty
    assert all(ts.tzinfo is UTC for series in result.values() for ts in series.timestamps)

    # Three windows (14 d, 7 d, 1 d) → three calls, each query once, with its own namespace on the wire.
    assert batcher.calls_made == len(sent) == 3
    on_wire = {q["Id"]: q["MetricStat"]["Metric"]["Namespace"] for r in sent for q in r["MetricDataQueries"]}
    assert on_wire == {query_id(q): q.namespace for q in queries}


def test_a_later_fetch_adds_new_series_without_refetching(cloudwatch: Any, sent: list[dict[str, Any]]) -> None:
    seed_fleet(cloudwatch)
    batcher = MetricBatcher(cloudwatch, end_time=END)
    batcher.add(EBS_READ)
    batcher.fetch()
    batcher.add_many([EBS_READ, EBS_WRITE])

    result = batcher.fetch()

    assert result[EBS_WRITE].values == (42.0,)
    assert result[EBS_READ].values == (10.0, 10.0, 10.0)
    assert [[q["Id"] for q in r["MetricDataQueries"]] for r in sent] == [[query_id(EBS_READ)], [query_id(EBS_WRITE)]]


def test_an_over_limit_query_is_fetched_in_sub_windows_and_merged(cloudwatch: Any, sent: list[dict[str, Any]]) -> None:
    query = MetricQuery("AWS/EC2", "CPUUtilization", (("InstanceId", "i-minutes"),), "Average", 60, 1)
    start = END - timedelta(days=1)
    minutes = [start + timedelta(minutes=m) for m in (0, 999, 1000, 1439)]  # both sides of the 1,000-point cut
    put(
        cloudwatch,
        "AWS/EC2",
        "CPUUtilization",
        ("InstanceId", "i-minutes"),
        [(t, float(n)) for n, t in enumerate(minutes)],
    )
    batcher = MetricBatcher(cloudwatch, end_time=END, max_datapoints_per_call=1000)
    batcher.add(query)

    series = batcher.fetch()[query]

    assert series.timestamps == tuple(minutes)
    assert series.values == (0.0, 1.0, 2.0, 3.0)
    assert [(r["StartTime"], r["EndTime"]) for r in sent] == [
        (start, start + timedelta(minutes=1000)),
        (start + timedelta(minutes=1000), END),
    ]


def test_1201_queries_take_exactly_three_getmetricdata_calls(cloudwatch: Any) -> None:
    calls: list[str] = []
    cloudwatch.meta.events.register("before-call.cloudwatch.GetMetricData", lambda model, **_: calls.append(model.name))
    queries = [
        MetricQuery("AWS/EC2", "CPUUtilization", (("InstanceId", f"i-{n:05d}"),), "Average", 86_400, 14)
        for n in range(1201)
    ]
    # Data for two of them only: enough to prove the mapping holds in the first and the last call.
    put(cloudwatch, "AWS/EC2", "CPUUtilization", ("InstanceId", "i-00000"), [(DAYS[0], 1.0)])
    put(cloudwatch, "AWS/EC2", "CPUUtilization", ("InstanceId", "i-01200"), [(DAYS[1], 2.0)])
    batcher = MetricBatcher(cloudwatch, end_time=END)
    batcher.add_many(queries)

    result = batcher.fetch()

    assert calls == ["GetMetricData"] * 3
    assert batcher.calls_made == 3
    assert len(result) == 1201
    assert result[queries[0]].as_dict() == {DAYS[0]: 1.0}
    assert result[queries[1200]].as_dict() == {DAYS[1]: 2.0}
    assert sum(not series.is_empty for series in result.values()) == 2
