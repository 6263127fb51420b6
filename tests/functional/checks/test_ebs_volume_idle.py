from __future__ import annotations

from typing import Any

import pytest

from orgsweep.checks import get_check
from orgsweep.types import Verdict
from tests.functional.checkkit import MotoContext, days, each_day, put_daily, run_check, run_instance

pytestmark = pytest.mark.functional

CHECK = get_check("ebs-volume-idle")


@pytest.fixture
def volume_id(ec2: Any) -> str:
    instance_id = run_instance(ec2)
    volumes = ec2.describe_volumes(Filters=[{"Name": "attachment.instance-id", "Values": [instance_id]}])
    return str(volumes["Volumes"][0]["VolumeId"])


def _ops(cw: Any, volume_id: str, reads: dict[Any, float], writes: dict[Any, float]) -> None:
    put_daily(cw, "AWS/EBS", "VolumeReadOps", {"VolumeId": volume_id}, reads)
    put_daily(cw, "AWS/EBS", "VolumeWriteOps", {"VolumeId": volume_id}, writes)


def test_quiet_volume_is_flagged(cw: Any, ctx: MotoContext, volume_id: str) -> None:
    _ops(cw, volume_id, each_day(7, 100), each_day(7, 50))
    resource, evaluation = run_check(CHECK(), ctx).only()
    assert resource.state == "in-use"
    assert evaluation.verdict is Verdict.FLAGGED
    assert evaluation.evidence["values"] == {d.isoformat(): 150.0 for d in days(7)}
    assert evaluation.evidence["thresholds"] == {"lookback_days": 7, "max_daily_ops": 86_400}
    assert (evaluation.evidence["period"], evaluation.evidence["lookback_days"]) == (86_400, 7)
    assert evaluation.monthly_cost_usd == pytest.approx(0.8)  # 8 GiB gp2 root volume
    assert volume_id in evaluation.reason


def test_busy_volume_is_ok(cw: Any, ctx: MotoContext, volume_id: str) -> None:
    _ops(cw, volume_id, each_day(7, 5_000_000), each_day(7, 1_000_000))
    assert run_check(CHECK(), ctx).verdict(volume_id) is Verdict.OK


@pytest.mark.parametrize(("busiest_day", "verdict"), [(86_399, Verdict.FLAGGED), (86_400, Verdict.OK)])
def test_max_daily_ops_boundary_is_strict(
    cw: Any, ctx: MotoContext, volume_id: str, busiest_day: float, verdict: Verdict
) -> None:
    window = days(7)
    reads = each_day(7, 10)
    reads[window[3]] = busiest_day - 10  # read + write on that day == busiest_day
    _ops(cw, volume_id, reads, each_day(7, 10))
    assert run_check(CHECK(), ctx).verdict(volume_id) is verdict


def test_no_data_is_insufficient(ctx: MotoContext, volume_id: str) -> None:
    _, evaluation = run_check(CHECK(), ctx).only()
    assert evaluation.verdict is Verdict.INSUFFICIENT_DATA
    assert "7 of the last 7 days" in evaluation.reason


def test_one_missing_day_is_insufficient(cw: Any, ctx: MotoContext, volume_id: str) -> None:
    six = dict(list(each_day(7, 1).items())[1:])
    _ops(cw, volume_id, six, six)
    _, evaluation = run_check(CHECK(), ctx).only()
    assert evaluation.verdict is Verdict.INSUFFICIENT_DATA
    assert evaluation.evidence["values"][days(7)[0].isoformat()] is None
    assert evaluation.evidence["observed"]["days_without_data"] == 1


def test_day_with_only_one_of_the_two_metrics_is_insufficient(cw: Any, ctx: MotoContext, volume_id: str) -> None:
    writes = each_day(7, 1)
    del writes[days(7)[-1]]
    _ops(cw, volume_id, each_day(7, 1), writes)
    assert run_check(CHECK(), ctx).verdict(volume_id) is Verdict.INSUFFICIENT_DATA


def test_activity_on_a_known_day_beats_missing_days(cw: Any, ctx: MotoContext, volume_id: str) -> None:
    busy_day = {days(7)[2]: 100_000.0}
    _ops(cw, volume_id, busy_day, {})
    assert run_check(CHECK(), ctx).verdict(volume_id) is Verdict.OK


def test_datapoints_outside_the_window_do_not_count(cw: Any, ctx: MotoContext, volume_id: str) -> None:
    today, too_old = ctx.now.date(), days(7)[0].replace(day=days(7)[0].day - 1)
    _ops(cw, volume_id, {**each_day(7, 1), today: 10**9, too_old: 10**9}, each_day(7, 1))
    assert run_check(CHECK(), ctx).verdict(volume_id) is Verdict.FLAGGED


def test_available_volume_is_not_in_scope(ec2: Any, ctx: MotoContext) -> None:
    ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)
    assert run_check(CHECK(), ctx).resources == {}
