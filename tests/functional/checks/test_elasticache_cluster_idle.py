from __future__ import annotations

from typing import Any

import pytest

from orgsweep.checks import get_check
from orgsweep.types import Verdict
from tests.functional.checkkit import MotoContext, days, each_day, put_daily, run_check

pytestmark = pytest.mark.functional

CHECK = get_check("elasticache-cluster-idle")


def _cluster(session: Any, name: str = "sessions", nodes: int = 1) -> str:
    session.client("elasticache").create_cache_cluster(
        CacheClusterId=name,
        Engine="memcached",
        CacheNodeType="cache.t3.small",
        NumCacheNodes=nodes,
        Tags=[{"Key": "team", "Value": "web"}],
    )
    return name


def _connections(cw: Any, name: str, values: dict[Any, float]) -> None:
    put_daily(cw, "AWS/ElastiCache", "CurrConnections", {"CacheClusterId": name}, values)


def test_idle_cluster_is_flagged(session: Any, cw: Any, ctx: MotoContext) -> None:
    name = _cluster(session, nodes=2)
    _connections(cw, name, each_day(14, 1))
    run = run_check(CHECK(), ctx)
    resource, evaluation = run.only()
    assert resource.tags == {"team": "web"}
    assert resource.resource_arn == f"arn:aws:elasticache:us-east-1:123456789012:cluster:{name}"
    assert resource.attributes["nodes"] == 2
    assert evaluation.verdict is Verdict.FLAGGED
    assert evaluation.monthly_cost_usd == pytest.approx(2 * 0.034 * 730)
    assert run.queries[name][0].dimensions == (("CacheClusterId", name),)
    assert run.actions == {"elasticache:DescribeCacheClusters", "elasticache:ListTagsForResource"}


def test_busy_cluster_is_ok(session: Any, cw: Any, ctx: MotoContext) -> None:
    name = _cluster(session)
    _connections(cw, name, each_day(14, 250))
    assert run_check(CHECK(), ctx).verdict(name) is Verdict.OK


@pytest.mark.parametrize(("peak", "verdict"), [(2, Verdict.FLAGGED), (3, Verdict.OK)])
def test_max_connections_boundary_is_inclusive(
    session: Any, cw: Any, ctx: MotoContext, peak: float, verdict: Verdict
) -> None:
    name = _cluster(session)
    values = each_day(14, 0)
    values[days(14)[7]] = peak
    _connections(cw, name, values)
    assert run_check(CHECK(), ctx).verdict(name) is verdict


def test_no_data_is_insufficient(session: Any, ctx: MotoContext) -> None:
    _cluster(session)
    _, evaluation = run_check(CHECK(), ctx).only()
    assert evaluation.verdict is Verdict.INSUFFICIENT_DATA
    assert evaluation.evidence["observed"]["days_without_data"] == 14


def test_a_missing_day_is_insufficient_unless_a_known_day_is_busy(session: Any, cw: Any, ctx: MotoContext) -> None:
    name = _cluster(session)
    values = each_day(14, 0)
    del values[days(14)[0]]
    _connections(cw, name, values)
    assert run_check(CHECK(), ctx).verdict(name) is Verdict.INSUFFICIENT_DATA
    _connections(cw, name, {days(14)[1]: 30})
    assert run_check(CHECK(), ctx).verdict(name) is Verdict.OK
