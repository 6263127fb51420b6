from __future__ import annotations

from typing import Any

import pytest

from orgsweep.checks import get_check
from orgsweep.checks.catalogue._elb import dimension_value
from orgsweep.types import Verdict
from tests.functional.checkkit import MotoContext, days, each_day, put_daily, run_check, vpc_with_subnets

pytestmark = pytest.mark.functional

CHECK = get_check("elb-idle")


@pytest.fixture
def fleet(session: Any, ec2: Any) -> dict[str, str]:
    """One ALB, one NLB and one CLB; returns name → kind."""
    _, subnets = vpc_with_subnets(ec2)
    elbv2 = session.client("elbv2")
    elbv2.create_load_balancer(
        Name="web-alb", Subnets=subnets, Type="application", Tags=[{"Key": "team", "Value": "web"}]
    )
    elbv2.create_load_balancer(Name="tcp-nlb", Subnets=subnets, Type="network")
    session.client("elb").create_load_balancer(
        LoadBalancerName="old-clb",
        Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}],
        AvailabilityZones=["us-east-1a"],
        Tags=[{"Key": "team", "Value": "legacy"}],
    )
    return {"web-alb": "ALB", "tcp-nlb": "NLB", "old-clb": "CLB"}


def _seed(cw: Any, run_queries: dict[str, Any], name: str, values: dict[Any, float]) -> None:
    (query,) = run_queries[name]
    put_daily(cw, query.namespace, query.metric_name, dict(query.dimensions), values)


def test_no_datapoints_means_no_requests_and_all_kinds_are_flagged(ctx: MotoContext, fleet: dict[str, str]) -> None:
    run = run_check(CHECK(), ctx)
    assert {rid: r.attributes["kind"] for rid, r in run.resources.items()} == fleet
    assert {rid: e.verdict for rid, e in run.evaluations.items()} == dict.fromkeys(fleet, Verdict.FLAGGED)
    assert run.resources["web-alb"].tags == {"team": "web"}
    assert run.resources["old-clb"].tags == {"team": "legacy"}
    assert run.resources["old-clb"].resource_type == "AWS::ElasticLoadBalancing::LoadBalancer"
    assert run.resources["web-alb"].resource_type == "AWS::ElasticLoadBalancingV2::LoadBalancer"
    costs = {rid: e.monthly_cost_usd for rid, e in run.evaluations.items()}
    assert costs == pytest.approx({"web-alb": 16.425, "tcp-nlb": 16.425, "old-clb": 18.25})
    assert run.actions == {"elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeTags"}


def test_metric_per_kind(ctx: MotoContext, fleet: dict[str, str]) -> None:
    run = run_check(CHECK(), ctx)
    shapes = {rid: (q.namespace, q.metric_name, q.statistic) for rid, (q,) in run.queries.items()}
    assert shapes == {
        "web-alb": ("AWS/ApplicationELB", "RequestCount", "Sum"),
        "tcp-nlb": ("AWS/NetworkELB", "NewFlowCount", "Sum"),
        "old-clb": ("AWS/ELB", "RequestCount", "Sum"),
    }
    (alb_query,) = run.queries["web-alb"]
    assert dict(alb_query.dimensions) == {"LoadBalancer": dimension_value(run.resources["web-alb"].resource_arn)}
    assert dict(alb_query.dimensions)["LoadBalancer"].startswith("app/web-alb/")
    (clb_query,) = run.queries["old-clb"]
    assert dict(clb_query.dimensions) == {"LoadBalancerName": "old-clb"}


def test_busy_load_balancers_are_ok(cw: Any, ctx: MotoContext, fleet: dict[str, str]) -> None:
    queries = run_check(CHECK(), ctx).queries
    for name in fleet:
        _seed(cw, queries, name, each_day(7, 50_000))
    run = run_check(CHECK(), ctx)
    assert {rid: e.verdict for rid, e in run.evaluations.items()} == dict.fromkeys(fleet, Verdict.OK)


@pytest.mark.parametrize(("busiest", "verdict"), [(99, Verdict.FLAGGED), (100, Verdict.OK)])
def test_min_daily_requests_boundary_is_strict(
    cw: Any, ctx: MotoContext, fleet: dict[str, str], busiest: float, verdict: Verdict
) -> None:
    queries = run_check(CHECK(), ctx).queries
    values = each_day(7, 10)
    values[days(7)[3]] = busiest
    _seed(cw, queries, "tcp-nlb", values)
    assert run_check(CHECK(), ctx).verdict("tcp-nlb") is verdict


def test_one_busy_day_is_enough_to_be_ok(cw: Any, ctx: MotoContext, fleet: dict[str, str]) -> None:
    queries = run_check(CHECK(), ctx).queries
    _seed(cw, queries, "old-clb", {days(7)[0]: 1_000})
    run = run_check(CHECK(), ctx)
    assert run.verdict("old-clb") is Verdict.OK
    assert run.verdict("web-alb") is Verdict.FLAGGED


@pytest.mark.parametrize(
    ("arn", "dimension"),
    [
        (
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188",
            "app/web/50dc6c495c0c9188",
        ),
        (
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/tcp/6ab2b7c5d8e9f001",
            "net/tcp/6ab2b7c5d8e9f001",
        ),
    ],
)
def test_load_balancer_dimension_from_arn(arn: str, dimension: str) -> None:
    # moto names every elbv2 ARN "app/...": the real NLB form is covered here.
    assert dimension_value(arn) == dimension
