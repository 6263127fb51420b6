"""A large cell in moto: N running instances (each with its attached root volume) and a sparse
metric history, shared by the GetMetricData-count test and bench/bench_scan_cell.py."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import boto3

from orgsweep.checks import Check, Resource
from orgsweep.metrics import MAX_QUERIES_PER_CALL, MetricQuery

AMI_ID = "ami-12c6146b"  # one of moto's built-in AMIs
_BATCH = 500  # instances per RunInstances call
_DATUMS_PER_PUT = 1000  # PutMetricData limit


@dataclass
class BigCell:
    instances: list[str]
    volumes: list[str]
    idle_instances: list[str] = field(default_factory=list)
    busy_instances: list[str] = field(default_factory=list)
    idle_volumes: list[str] = field(default_factory=list)
    busy_volumes: list[str] = field(default_factory=list)


def _datum(name: str, dim: tuple[str, str], when: datetime, value: float) -> dict[str, Any]:
    return {"MetricName": name, "Dimensions": [{"Name": dim[0], "Value": dim[1]}], "Timestamp": when, "Value": value}


def _put(cloudwatch: Any, namespace: str, data: list[dict[str, Any]]) -> None:
    for start in range(0, len(data), _DATUMS_PER_PUT):
        cloudwatch.put_metric_data(Namespace=namespace, MetricData=data[start:start + _DATUMS_PER_PUT])


def build_big_cell(session: boto3.Session, today: datetime, *, instances: int = 2000, history: int = 20) -> BigCell:
    """`instances` running instances (moto attaches a root volume to each); the first
    `history` instances and volumes get metric data: half idle, half busy. `today` is the
    start of the scan's UTC day (the metric windows end there)."""
    ec2 = session.client("ec2")
    ids: list[str] = []
    for start in range(0, instances, _BATCH):
        count = min(_BATCH, instances - start)
        reservation = ec2.run_instances(ImageId=AMI_ID, MinCount=count, MaxCount=count, InstanceType="t3.micro")
        ids.extend(i["InstanceId"] for i in reservation["Instances"])
    volumes = [
        v["VolumeId"]
        for page in ec2.get_paginator("describe_volumes").paginate()
        for v in page["Volumes"]
    ]
    cell = BigCell(sorted(ids), sorted(volumes))
    half = history // 2
    cell.idle_instances, cell.busy_instances = cell.instances[:half], cell.instances[half:history]
    cell.idle_volumes, cell.busy_volumes = cell.volumes[:half], cell.volumes[half:history]

    ec2_data: list[dict[str, Any]] = []
    for instance in cell.idle_instances + cell.busy_instances:
        cpu = 1.0 if instance in cell.idle_instances else 90.0
        dim = ("InstanceId", instance)
        for day in range(1, 5):  # ec2-instance-idle needs 4 days with data
            when = today - timedelta(days=day) + timedelta(hours=1)
            ec2_data += [_datum("CPUUtilization", dim, when, cpu), _datum("NetworkIn", dim, when, 1000.0),
                         _datum("NetworkOut", dim, when, 1000.0)]
    ebs_data: list[dict[str, Any]] = []
    for volume in cell.idle_volumes + cell.busy_volumes:
        ops = 10.0 if volume in cell.idle_volumes else 100_000.0
        dim = ("VolumeId", volume)
        for day in range(1, 8):  # ebs-volume-idle wants every day of its 7
            when = today - timedelta(days=day) + timedelta(hours=1)
            ebs_data += [_datum("VolumeReadOps", dim, when, ops), _datum("VolumeWriteOps", dim, when, ops)]
    cloudwatch = session.client("cloudwatch")
    _put(cloudwatch, "AWS/EC2", ec2_data)
    _put(cloudwatch, "AWS/EBS", ebs_data)
    return cell


def queries_by_window(queries: Iterable[MetricQuery]) -> dict[int, int]:
    """Distinct queries per lookback window (the batcher groups calls by window), by days."""
    return dict(sorted(Counter(query.lookback_days for query in set(queries)).items()))


def minimum_calls(queries: Iterable[MetricQuery]) -> int:
    """Σ over windows of ceil(queries / 500): the fewest GetMetricData calls possible."""
    return sum(math.ceil(n / MAX_QUERIES_PER_CALL) for n in queries_by_window(queries).values())


class QueryRecorder:
    """Wraps checks' metric_queries to record every query a scan asks for."""

    def __init__(self, checks: Iterable[Check]) -> None:
        self.queries: set[MetricQuery] = set()
        for check in checks:
            check.metric_queries = self._recording(check.metric_queries)  # type: ignore[method-assign]

    def _recording(self, original: Callable[[Resource], Sequence[MetricQuery]]) -> Callable[..., Sequence[MetricQuery]]:
        def recording(resource: Resource) -> Sequence[MetricQuery]:
            queries = original(resource)
            self.queries.update(queries)
            return queries

        return recording

    def by_window(self) -> dict[int, int]:
        return queries_by_window(self.queries)

    def minimum_calls(self) -> int:
        return minimum_calls(self.queries)
