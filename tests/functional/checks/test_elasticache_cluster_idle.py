from __future__ import annotations

from datetime import date
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


def _connections(cw: Any, name: str, values: dict[date, float], node: str = "0001") -> None:
    """CurrConnections as CloudWatch publishes it: per node, {CacheClusterId, CacheNodeId}."""
    put_daily(cw, "AWS/ElastiCache", "CurrConnections", {"CacheClusterId": name, "CacheNodeId": node}, values)


def _list_cache_nodes(ctx: MotoContext, node_ids: dict[str, list[str]], sent: list[dict[str, Any]]) -> None:
    """Make DescribeCacheClusters answer as AWS does with ShowCacheNodeInfo (moto omits CacheNodes)
    and record the parameters each call sent."""
    events = ctx.client("elasticache").meta.events

    def before(params: dict[str, Any], **_: Any) -> None:
        sent.append(dict(params))

    def after(parsed: dict[str, Any], **_: Any) -> None:
        for cluster in parsed.get("CacheClusters", []):
            ids = node_ids.get(cluster["CacheClusterId"], [])
            cluster["CacheNodes"] = [{"CacheNodeId": i, "CacheNodeStatus": "available"} for i in ids]

    events.register("before-parameter-build.elasticache.DescribeCacheClusters", before)
    events.register("after-call.elasticache.DescribeCacheClusters", after)


def test_idle_cluster_is_flagged(session: Any, cw: Any, ctx: MotoContext) -> None:
    name = _cluster(session, nodes=2)
    _connections(cw, name, each_day(14, 1), node="0001")
    _connections(cw, name, each_day(14, 2), node="0002")
    run = run_check(CHECK(), ctx)
    resource, evaluation = run.only()
    assert resource.tags == {"team": "web"}
    assert resource.resource_arn == f"arn:aws:elasticache:us-east-1:123456789012:cluster:{name}"
    assert resource.attributes["nodes"] == 2
    assert resource.attributes["cache_node_ids"] == ["0001", "0002"]
    assert evaluation.verdict is Verdict.FLAGGED
    assert evaluation.monthly_cost_usd == pytest.approx(2 * 0.034 * 730)
    assert [q.dimensions for q in run.queries[name]] == [
        (("CacheClusterId", name), ("CacheNodeId", "0001")),
        (("CacheClusterId", name), ("CacheNodeId", "0002")),
    ]
    assert {q.namespace for q in run.queries[name]} == {"AWS/ElastiCache"}
    evidence = evaluation.evidence
    assert evidence["metric"] == "AWS/ElastiCache CurrConnections" and evidence["statistic"] == "Maximum"
    assert set(evidence["values"].values()) == {2.0}  # the per-day maximum over the nodes
    assert evidence["observed"]["maximum"] == 2.0
    assert evidence["observed"]["series_dimension"] == "CacheNodeId"
    assert evidence["observed"]["per_series"] == {
        "0001": {"maximum": 1.0, "days_without_data": 0},
        "0002": {"maximum": 2.0, "days_without_data": 0},
    }
    assert run.actions == {"elasticache:DescribeCacheClusters", "elasticache:ListTagsForResource"}


def test_busy_cluster_is_ok(session: Any, cw: Any, ctx: MotoContext) -> None:
    name = _cluster(session)
    _connections(cw, name, each_day(14, 250))
    assert run_check(CHECK(), ctx).verdict(name) is Verdict.OK


def test_one_busy_node_makes_the_cluster_ok(session: Any, cw: Any, ctx: MotoContext) -> None:
    name = _cluster(session, nodes=3)
    _connections(cw, name, each_day(14, 0), node="0001")
    _connections(cw, name, {days(14)[9]: 40}, node="0002")  # busy on one day, no data on the others
    _connections(cw, name, each_day(14, 1), node="0003")
    _, evaluation = run_check(CHECK(), ctx).only()
    assert evaluation.verdict is Verdict.OK
    assert evaluation.evidence["observed"]["maximum"] == 40.0
    assert evaluation.evidence["values"][days(14)[9].isoformat()] == 40.0
    assert evaluation.evidence["observed"]["per_series"]["0002"] == {"maximum": 40.0, "days_without_data": 13}
    assert "CacheNodeId 0002" in evaluation.reason


@pytest.mark.parametrize(("peak", "verdict"), [(2, Verdict.FLAGGED), (3, Verdict.OK)])
def test_max_connections_boundary_is_inclusive(
    session: Any, cw: Any, ctx: MotoContext, peak: float, verdict: Verdict
) -> None:
    name = _cluster(session)
    values = each_day(14, 0)
    values[days(14)[7]] = peak
    _connections(cw, name, values)
    assert run_check(CHECK(), ctx).verdict(name) is verdict


@pytest.mark.parametrize(("peak", "verdict"), [(2, Verdict.FLAGGED), (3, Verdict.OK)])
def test_boundary_applies_to_the_busiest_node(
    session: Any, cw: Any, ctx: MotoContext, peak: float, verdict: Verdict
) -> None:
    name = _cluster(session, nodes=2)
    _connections(cw, name, each_day(14, 2), node="0001")
    values = each_day(14, 0)
    values[days(14)[3]] = peak
    _connections(cw, name, values, node="0002")
    assert run_check(CHECK(), ctx).verdict(name) is verdict


def test_no_data_is_insufficient(session: Any, ctx: MotoContext) -> None:
    _cluster(session)
    _, evaluation = run_check(CHECK(), ctx).only()
    assert evaluation.verdict is Verdict.INSUFFICIENT_DATA
    assert evaluation.evidence["observed"]["days_without_data"] == 14
    assert "no CurrConnections data from CacheNodeId 0001 for 14 of the last 14 days" in evaluation.reason


def test_a_missing_day_is_insufficient_unless_a_known_day_is_busy(session: Any, cw: Any, ctx: MotoContext) -> None:
    name = _cluster(session)
    values = each_day(14, 0)
    del values[days(14)[0]]
    _connections(cw, name, values)
    assert run_check(CHECK(), ctx).verdict(name) is Verdict.INSUFFICIENT_DATA
    _connections(cw, name, {days(14)[1]: 30})
    assert run_check(CHECK(), ctx).verdict(name) is Verdict.OK


def test_a_node_without_data_makes_an_idle_cluster_insufficient(session: Any, cw: Any, ctx: MotoContext) -> None:
    name = _cluster(session, nodes=2)
    _connections(cw, name, each_day(14, 0), node="0001")
    _, evaluation = run_check(CHECK(), ctx).only()
    assert evaluation.verdict is Verdict.INSUFFICIENT_DATA
    # Every day has a value from node 0001, but node 0002 might be the busy one.
    assert None not in evaluation.evidence["values"].values()
    assert evaluation.evidence["observed"]["days_without_data"] == 14
    assert "from CacheNodeId 0002 for 14 of the last 14 days" in evaluation.reason


def test_cluster_level_series_is_not_what_cloudwatch_publishes(session: Any, cw: Any, ctx: MotoContext) -> None:
    """Only {CacheClusterId, CacheNodeId} series are read: GetMetricData matches dimension sets exactly."""
    name = _cluster(session)
    put_daily(cw, "AWS/ElastiCache", "CurrConnections", {"CacheClusterId": name}, each_day(14, 0))
    assert run_check(CHECK(), ctx).verdict(name) is Verdict.INSUFFICIENT_DATA


def test_listed_cache_nodes_are_queried(session: Any, cw: Any, ctx: MotoContext) -> None:
    """Node ids come from ShowCacheNodeInfo (after a node replacement they need not be 0001…N)."""
    sent: list[dict[str, Any]] = []
    _list_cache_nodes(ctx, {"sessions": ["0002", "0005"]}, sent)
    name = _cluster(session, nodes=2)
    _connections(cw, name, each_day(14, 0), node="0002")
    _connections(cw, name, each_day(14, 1), node="0005")
    _connections(cw, name, each_day(14, 500), node="0001")  # a node that no longer exists
    run = run_check(CHECK(), ctx)
    resource, evaluation = run.only()
    assert sent and all(params.get("ShowCacheNodeInfo") is True for params in sent)
    assert resource.attributes["cache_node_ids"] == ["0002", "0005"]
    assert resource.attributes["cache_node_ids_listed"] is True
    assert [dict(q.dimensions)["CacheNodeId"] for q in run.queries[name]] == ["0002", "0005"]
    assert evaluation.verdict is Verdict.FLAGGED


def test_unlisted_cache_nodes_are_numbered(session: Any, ctx: MotoContext) -> None:
    _cluster(session, nodes=3)
    resource, _ = run_check(CHECK(), ctx).only()
    assert resource.attributes["cache_node_ids"] == ["0001", "0002", "0003"]
    assert resource.attributes["cache_node_ids_listed"] is False
