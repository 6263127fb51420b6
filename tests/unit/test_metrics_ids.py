"""Query ids: valid GetMetricData Ids, deterministic across runs and processes, distinct per query."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest

from orgsweep.metrics import MetricQuery, canonical_query, is_valid_query_id, query_id

pytestmark = pytest.mark.unit

CPU = MetricQuery("AWS/EC2", "CPUUtilization", (("InstanceId", "i-0123456789abcdef0"),), "Average", 86_400, 14)


def test_id_is_pinned_so_a_format_change_is_deliberate() -> None:
    assert (
        canonical_query(CPU) == '["AWS/EC2","CPUUtilization",[["InstanceId","i-0123456789abcdef0"]],"Average",86400,14]'
    )
    assert query_id(CPU) == "m2fc6169c8179904ab37f5440e4953f25"


def test_id_is_the_same_in_another_process_with_another_hash_seed() -> None:
    code = (
        "from orgsweep.metrics import MetricQuery, query_id;"
        "print(query_id(MetricQuery('AWS/EC2', 'CPUUtilization', (('InstanceId', 'i-0123456789abcdef0'),),"
        " 'Average', 86400, 14)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env={"PYTHONHASHSEED": "12345"}, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == query_id(CPU)


def test_ids_are_valid_getmetricdata_ids() -> None:
    queries = [
        CPU,
        MetricQuery("Ünïcode/Ns", "Métrique", (("Nom", "välue with spaces/and:colons"),), "p99.9", 1, 455),
        MetricQuery(
            "AWS/S3", "BucketSizeBytes", (("StorageType", "StandardStorage"), ("BucketName", "b")), "Sum", 60, 1
        ),
    ]
    for query in queries:
        qid = query_id(query)
        assert is_valid_query_id(qid), qid
        assert qid[0].islower()
        assert len(qid) <= 255


def test_dimension_order_does_not_change_the_id() -> None:
    forward = MetricQuery("AWS/EBS", "VolumeReadOps", (("A", "1"), ("B", "2")), "Sum", 300, 7)
    backward = MetricQuery("AWS/EBS", "VolumeReadOps", (("B", "2"), ("A", "1")), "Sum", 300, 7)
    assert forward == backward
    assert query_id(forward) == query_id(backward)


def test_every_field_changes_the_id() -> None:
    variants = [
        CPU,
        MetricQuery("AWS/EBS", "CPUUtilization", CPU.dimensions, "Average", 86_400, 14),
        MetricQuery("AWS/EC2", "NetworkIn", CPU.dimensions, "Average", 86_400, 14),
        MetricQuery("AWS/EC2", "CPUUtilization", (("InstanceId", "i-other"),), "Average", 86_400, 14),
        MetricQuery("AWS/EC2", "CPUUtilization", (), "Average", 86_400, 14),
        MetricQuery("AWS/EC2", "CPUUtilization", CPU.dimensions, "Maximum", 86_400, 14),
        MetricQuery("AWS/EC2", "CPUUtilization", CPU.dimensions, "Average", 3600, 14),
        MetricQuery("AWS/EC2", "CPUUtilization", CPU.dimensions, "Average", 86_400, 7),
    ]
    assert len({query_id(query) for query in variants}) == len(variants)


def test_field_boundaries_cannot_be_confused() -> None:
    # A naive "".join of the fields would give these the same id.
    left = MetricQuery("AWS/EC2", "CPUUtilization", (("a", "bc"),), "Sum", 60, 1)
    right = MetricQuery("AWS/EC2", "CPUUtilization", (("ab", "c"),), "Sum", 60, 1)
    assert query_id(left) != query_id(right)


def test_no_collision_across_a_large_fleet() -> None:
    queries = [
        MetricQuery("AWS/EC2", metric, (("InstanceId", f"i-{n:017x}"),), stat, 86_400, 14)
        for n, metric, stat in itertools.product(range(2000), ("CPUUtilization", "NetworkIn"), ("Average", "Maximum"))
    ]
    assert len({query_id(query) for query in queries}) == len(queries)


@pytest.mark.parametrize("value", ["", "M1", "1abc", "_a", "a-b", "a" * 256, "a b"])
def test_invalid_ids_are_recognised(value: str) -> None:
    assert not is_valid_query_id(value)
