from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from orgsweep.checks import get_check
from orgsweep.types import Verdict
from tests.functional.checkkit import MotoContext, days, each_day, put_daily, run_check, run_instance

pytestmark = pytest.mark.functional

CHECK = get_check("ec2-instance-idle")
MB = 1_000_000


@pytest.fixture
def instance_id(ec2: Any) -> str:
    return run_instance(
        ec2, "t3.micro", TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web-1"}]}]
    )


def _seed(
    cw: Any,
    instance_id: str,
    cpu: dict[date, float],
    net_in: dict[date, float],
    net_out: dict[date, float] | None = None,
) -> None:
    dims = {"InstanceId": instance_id}
    put_daily(cw, "AWS/EC2", "CPUUtilization", dims, cpu)
    put_daily(cw, "AWS/EC2", "NetworkIn", dims, net_in)
    put_daily(cw, "AWS/EC2", "NetworkOut", dims, net_in if net_out is None else net_out)


def test_idle_instance_is_flagged(cw: Any, ctx: MotoContext, instance_id: str) -> None:
    _seed(cw, instance_id, each_day(14, 2.0), each_day(14, 1 * MB))
    run = run_check(CHECK(), ctx)
    resource, evaluation = run.only()
    assert (resource.state, resource.tags["Name"], resource.attributes["instance_type"]) == (
        "running",
        "web-1",
        "t3.micro",
    )
    assert evaluation.verdict is Verdict.FLAGGED
    assert evaluation.monthly_cost_usd == pytest.approx(0.0104 * 730)
    assert evaluation.evidence["values"][days(14)[0].isoformat()] == {"cpu_pct": 2.0, "network_bytes": 2 * MB}
    assert evaluation.evidence["thresholds"] == {"lookback_days": 14, "min_days": 4, "cpu_pct": 10.0, "net_mb": 5.0}
    assert "14 days with data" in evaluation.reason
    assert {q.metric_name: q.statistic for q in run.queries[instance_id]} == {
        "CPUUtilization": "Average",
        "NetworkIn": "Sum",
        "NetworkOut": "Sum",
    }
    assert run.actions == {"ec2:DescribeInstances"}


def test_busy_instance_is_ok(cw: Any, ctx: MotoContext, instance_id: str) -> None:
    _seed(cw, instance_id, each_day(14, 60.0), each_day(14, 900 * MB))
    _, evaluation = run_check(CHECK(), ctx).only()
    assert evaluation.verdict is Verdict.OK
    assert "in use" in evaluation.reason


@pytest.mark.parametrize(("cpu", "verdict"), [(10.0, Verdict.FLAGGED), (10.01, Verdict.OK)])
def test_cpu_boundary_is_inclusive(cw: Any, ctx: MotoContext, instance_id: str, cpu: float, verdict: Verdict) -> None:
    values = each_day(14, 1.0)
    values[days(14)[5]] = cpu
    _seed(cw, instance_id, values, each_day(14, 0.0))
    assert run_check(CHECK(), ctx).verdict(instance_id) is verdict


@pytest.mark.parametrize(("net_out", "verdict"), [(3 * MB, Verdict.FLAGGED), (3 * MB + 1, Verdict.OK)])
def test_network_boundary_is_inclusive_on_in_plus_out(
    cw: Any, ctx: MotoContext, instance_id: str, net_out: float, verdict: Verdict
) -> None:
    out = each_day(14, 0.0)
    out[days(14)[-1]] = net_out
    _seed(cw, instance_id, each_day(14, 1.0), each_day(14, 2 * MB), out)  # in 2 MB + out 3 MB = 5 MB
    assert run_check(CHECK(), ctx).verdict(instance_id) is verdict


@pytest.mark.parametrize(("data_days", "verdict"), [(4, Verdict.FLAGGED), (3, Verdict.INSUFFICIENT_DATA)])
def test_min_days_with_data_boundary(
    cw: Any, ctx: MotoContext, instance_id: str, data_days: int, verdict: Verdict
) -> None:
    some = dict.fromkeys(days(14)[-data_days:], 1.0)
    _seed(cw, instance_id, some, some)
    _, evaluation = run_check(CHECK(), ctx).only()
    assert evaluation.verdict is verdict
    assert evaluation.evidence["observed"]["days_with_data"] == data_days


def test_no_data_is_insufficient(ctx: MotoContext, instance_id: str) -> None:
    _, evaluation = run_check(CHECK(), ctx).only()
    assert evaluation.verdict is Verdict.INSUFFICIENT_DATA
    assert "0 of the last 14 days" in evaluation.reason


def test_days_missing_a_metric_do_not_count_as_days_with_data(cw: Any, ctx: MotoContext, instance_id: str) -> None:
    # CPU on 14 days but network on only 3: three complete days < min_days.
    three = dict.fromkeys(days(14)[:3], 1.0)
    _seed(cw, instance_id, each_day(14, 1.0), three)
    assert run_check(CHECK(), ctx).verdict(instance_id) is Verdict.INSUFFICIENT_DATA


def test_activity_on_a_day_with_data_beats_too_few_days(cw: Any, ctx: MotoContext, instance_id: str) -> None:
    one = {days(14)[0]: 95.0}
    _seed(cw, instance_id, one, {})
    assert run_check(CHECK(), ctx).verdict(instance_id) is Verdict.OK


def test_params_change_the_rule(cw: Any, ctx: MotoContext, instance_id: str) -> None:
    _seed(cw, instance_id, each_day(14, 20.0), each_day(14, 0.0))
    assert run_check(CHECK(), ctx).verdict(instance_id) is Verdict.OK
    relaxed = CHECK.from_raw_params({"cpu_pct": 25})
    assert run_check(relaxed, ctx).verdict(instance_id) is Verdict.FLAGGED


def test_stopped_instance_is_not_in_scope(ec2: Any, ctx: MotoContext, instance_id: str) -> None:
    ec2.stop_instances(InstanceIds=[instance_id])
    assert run_check(CHECK(), ctx).resources == {}
