from __future__ import annotations

from typing import Any

import pytest

from orgsweep.checks import get_check
from orgsweep.types import Verdict
from tests.functional.checkkit import MotoContext, days, each_day, put_daily, run_check

pytestmark = pytest.mark.functional

CHECK = get_check("rds-instance-idle")


def _db(session: Any, name: str = "orders", *, multi_az: bool = False) -> str:
    session.client("rds").create_db_instance(
        DBInstanceIdentifier=name,
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="admin_user",
        MasterUserPassword="not-a-secret-1",
        AllocatedStorage=20,
        MultiAZ=multi_az,
        Tags=[{"Key": "owner", "Value": "payments"}],
    )
    return name


def _connections(cw: Any, name: str, values: dict[Any, float]) -> None:
    put_daily(cw, "AWS/RDS", "DatabaseConnections", {"DBInstanceIdentifier": name}, values)


def test_no_connections_on_any_day_is_flagged(session: Any, cw: Any, ctx: MotoContext) -> None:
    name = _db(session)
    _connections(cw, name, each_day(7, 0))
    run = run_check(CHECK(), ctx)
    resource, evaluation = run.only()
    assert resource.resource_arn == "arn:aws:rds:us-east-1:123456789012:db:orders"
    assert resource.tags == {"owner": "payments"}
    assert resource.attributes["instance_class"] == "db.t3.micro"
    assert evaluation.verdict is Verdict.FLAGGED
    assert evaluation.monthly_cost_usd == pytest.approx(0.017 * 730)
    assert evaluation.evidence["statistic"] == "Maximum"
    assert evaluation.evidence["thresholds"] == {"lookback_days": 7, "max_connections": 0}
    assert run.actions == {"rds:DescribeDBInstances"}


def test_multi_az_doubles_the_cost(session: Any, cw: Any, ctx: MotoContext) -> None:
    name = _db(session, multi_az=True)
    _connections(cw, name, each_day(7, 0))
    _, evaluation = run_check(CHECK(), ctx).only()
    assert evaluation.monthly_cost_usd == pytest.approx(2 * 0.017 * 730)


def test_busy_instance_is_ok(session: Any, cw: Any, ctx: MotoContext) -> None:
    name = _db(session)
    _connections(cw, name, each_day(7, 40))
    assert run_check(CHECK(), ctx).verdict(name) is Verdict.OK


@pytest.mark.parametrize(("peak", "verdict"), [(5, Verdict.FLAGGED), (6, Verdict.OK)])
def test_max_connections_boundary_is_inclusive(
    session: Any, cw: Any, ctx: MotoContext, peak: float, verdict: Verdict
) -> None:
    name = _db(session)
    values = each_day(7, 1)
    values[days(7)[2]] = peak
    _connections(cw, name, values)
    check = CHECK.from_raw_params({"max_connections": 5})
    assert run_check(check, ctx).verdict(name) is verdict


def test_default_threshold_flags_zero_and_not_one(session: Any, cw: Any, ctx: MotoContext) -> None:
    name = _db(session)
    values = each_day(7, 0)
    values[days(7)[-1]] = 1
    _connections(cw, name, values)
    assert run_check(CHECK(), ctx).verdict(name) is Verdict.OK


def test_no_data_is_insufficient(session: Any, ctx: MotoContext) -> None:
    _db(session)
    _, evaluation = run_check(CHECK(), ctx).only()
    assert evaluation.verdict is Verdict.INSUFFICIENT_DATA
    assert "7 of the last 7 days" in evaluation.reason


def test_a_missing_day_is_insufficient(session: Any, cw: Any, ctx: MotoContext) -> None:
    name = _db(session)
    values = each_day(7, 0)
    del values[days(7)[4]]
    _connections(cw, name, values)
    assert run_check(CHECK(), ctx).verdict(name) is Verdict.INSUFFICIENT_DATA


def test_connections_on_a_known_day_beat_missing_days(session: Any, cw: Any, ctx: MotoContext) -> None:
    name = _db(session)
    _connections(cw, name, {days(7)[0]: 3})
    assert run_check(CHECK(), ctx).verdict(name) is Verdict.OK


def test_stopped_instance_is_not_in_scope(session: Any, ctx: MotoContext) -> None:
    name = _db(session)
    session.client("rds").stop_db_instance(DBInstanceIdentifier=name)
    assert run_check(CHECK(), ctx).resources == {}
