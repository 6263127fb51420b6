from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from orgsweep.checks import get_check
from orgsweep.checks.catalogue.ec2_instance_stopped import parse_stop_time
from orgsweep.types import Verdict
from tests.functional.checkkit import ACCOUNT_ID, REGION, MotoContext, run_check, run_instance

pytestmark = pytest.mark.functional

CHECK = get_check("ec2-instance-stopped")
STOPPED_AT = datetime(2025, 12, 1, 10, 0, tzinfo=UTC)


def _set_reason(instance_id: str, reason: str) -> None:
    """moto stamps the real stop time; the tests need a fixed one (or a reason without any)."""
    from moto.ec2.models import ec2_backends

    ec2_backends[ACCOUNT_ID][REGION].get_instance(instance_id)._reason = reason


@pytest.fixture
def stopped_id(ec2: Any) -> str:
    instance_id = run_instance(ec2, "m5.large")
    ec2.stop_instances(InstanceIds=[instance_id])
    _set_reason(instance_id, "User initiated (2025-12-01 10:00:00 GMT)")
    return instance_id


def test_long_stopped_instance_is_flagged_with_its_volumes_cost(
    stopped_id: str, make_ctx: Callable[..., MotoContext]
) -> None:
    run = run_check(CHECK(), make_ctx(STOPPED_AT + timedelta(days=40)))
    resource, evaluation = run.only()
    assert resource.state == "stopped"
    assert resource.attributes["stopped_at"] == "2025-12-01T10:00:00+00:00"
    assert [v["size_gib"] for v in resource.attributes["ebs_volumes"]] == [8]
    assert evaluation.verdict is Verdict.FLAGGED
    assert evaluation.monthly_cost_usd == pytest.approx(0.8)  # 8 GiB gp2 root; no compute while stopped
    assert "stopped for 40 days" in evaluation.reason
    assert run.actions == {"ec2:DescribeInstances", "ec2:DescribeVolumes"}


def test_recently_stopped_instance_is_ok(stopped_id: str, make_ctx: Callable[..., MotoContext]) -> None:
    _, evaluation = run_check(CHECK(), make_ctx(STOPPED_AT + timedelta(days=2))).only()
    assert evaluation.verdict is Verdict.OK


def test_min_days_boundary(stopped_id: str, make_ctx: Callable[..., MotoContext]) -> None:
    exactly = STOPPED_AT + timedelta(days=30)
    assert run_check(CHECK(), make_ctx(exactly)).verdict(stopped_id) is Verdict.FLAGGED
    just_before = exactly - timedelta(seconds=1)
    assert run_check(CHECK(), make_ctx(just_before)).verdict(stopped_id) is Verdict.OK


def test_unknown_stop_time_is_not_flagged_and_says_so(stopped_id: str, make_ctx: Callable[..., MotoContext]) -> None:
    _set_reason(stopped_id, "Server.SpotInstanceShutdown")
    _, evaluation = run_check(CHECK(), make_ctx(STOPPED_AT + timedelta(days=400))).only()
    assert evaluation.verdict is Verdict.OK
    assert "stop time is unknown" in evaluation.reason


def test_moto_utc_reason_format_is_parsed(ec2: Any, make_ctx: Callable[..., MotoContext]) -> None:
    instance_id = run_instance(ec2)
    ec2.stop_instances(InstanceIds=[instance_id])
    reason = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0][
        "StateTransitionReason"
    ]
    stopped = parse_stop_time(reason)
    assert stopped is not None
    assert run_check(CHECK(), make_ctx(stopped + timedelta(days=31))).verdict(instance_id) is Verdict.FLAGGED


def test_running_instance_is_not_in_scope(ec2: Any, ctx: MotoContext) -> None:
    run_instance(ec2)
    run = run_check(CHECK(), ctx)
    assert run.resources == {}
    assert run.actions == {"ec2:DescribeInstances"}


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("User initiated (2024-01-01 12:00:00 GMT)", datetime(2024, 1, 1, 12, tzinfo=UTC)),
        ("User initiated (2024-01-01 12:00:00 UTC)", datetime(2024, 1, 1, 12, tzinfo=UTC)),
        ("Client.UserInitiatedShutdown", None),
        ("User initiated (2024-13-45 12:00:00 GMT)", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_stop_time(reason: str | None, expected: datetime | None) -> None:
    assert parse_stop_time(reason) == expected
