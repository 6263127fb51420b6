"""Demo load balancers: ALB / NLB / CLB, busy or idle, with or without registered targets."""

from __future__ import annotations

from orgsweep.types import Verdict
from orgsweep_local.demo.cell import SeedCell

F, OK = Verdict.FLAGGED, Verdict.OK
BUSY_REQUESTS = (20_000.0, 400_000.0)  # per day
IDLE_REQUESTS = (0.0, 40.0)  # per day: below the 100/day threshold every day


def _dimension(arn: str) -> str:
    """CloudWatch's LoadBalancer dimension: the part of the ARN after 'loadbalancer/'."""
    return arn.split(":loadbalancer/", 1)[1]


def seed_load_balancers(cell: SeedCell) -> None:
    elbv2 = cell.client("elbv2")
    cases: list[tuple[str, str, str, bool]] = [
        # (type, scenario, traffic, registers a target)
        ("application", "busy, with targets", "busy", True),
        ("application", "idle, with targets", "idle", True),
        ("application", "idle, empty target group", "none", False),
        ("network", "busy, with targets", "busy", True),
        ("network", "idle, no target group", "none", False),
    ]
    for lb_type, scenario, traffic, with_targets in cases:
        name = cell.name("alb" if lb_type == "application" else "nlb")
        kwargs: dict[str, object] = {"SecurityGroups": [cell.net.lb_sg]} if lb_type == "application" else {}
        lb = elbv2.create_load_balancer(
            Name=name, Subnets=list(cell.net.subnet_ids), Type=lb_type, Tags=cell.tags(name), **kwargs
        )["LoadBalancers"][0]
        arn = lb["LoadBalancerArn"]
        protocol = "HTTP" if lb_type == "application" else "TCP"
        if with_targets or lb_type == "application":
            group = elbv2.create_target_group(
                Name=cell.name("tg"), Protocol=protocol, Port=8080, VpcId=cell.net.vpc_id, TargetType="instance"
            )["TargetGroups"][0]
            elbv2.create_listener(
                LoadBalancerArn=arn,
                Protocol=protocol,
                Port=80,
                DefaultActions=[{"Type": "forward", "TargetGroupArn": group["TargetGroupArn"]}],
            )
            if with_targets:
                pool = cell.busy_instances if traffic == "busy" else cell.idle_instances or cell.busy_instances
                elbv2.register_targets(
                    TargetGroupArn=group["TargetGroupArn"], Targets=[{"Id": pool[0], "Port": 8080}]
                )
        metric, namespace = (
            ("RequestCount", "AWS/ApplicationELB") if lb_type == "application" else ("NewFlowCount", "AWS/NetworkELB")
        )
        _traffic(cell, namespace, metric, {"LoadBalancer": _dimension(arn)}, traffic)
        idle = traffic != "busy"
        cell.expect("elb-idle", lb["LoadBalancerName"], F if idle else OK, scenario, arn)
        cell.expect("elb-no-targets", lb["LoadBalancerName"], OK if with_targets else F, scenario, arn)
    _seed_classic(cell)


def _seed_classic(cell: SeedCell) -> None:
    elb = cell.client("elb")
    for scenario, traffic in (("classic, busy", "busy"), ("classic, no requests", "none")):
        name = cell.name("clb")
        elb.create_load_balancer(
            LoadBalancerName=name,
            Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 8080}],
            Subnets=[cell.net.subnet_ids[0]],
            SecurityGroups=[cell.net.lb_sg],
            Tags=cell.tags(name),
        )
        if traffic == "busy":
            elb.register_instances_with_load_balancer(
                LoadBalancerName=name, Instances=[{"InstanceId": cell.busy_instances[0]}]
            )
        _traffic(cell, "AWS/ELB", "RequestCount", {"LoadBalancerName": name}, traffic)
        arn = f"arn:aws:elasticloadbalancing:{cell.region}:{cell.account_id}:loadbalancer/{name}"
        cell.expect("elb-idle", name, OK if traffic == "busy" else F, scenario, arn)
        cell.expect("elb-no-targets", name, OK, "classic load balancer (not evaluated)", arn)


def _traffic(cell: SeedCell, namespace: str, metric: str, dims: dict[str, str], traffic: str) -> None:
    if traffic == "none":
        return  # an idle load balancer publishes no request metrics at all
    low, high = BUSY_REQUESTS if traffic == "busy" else IDLE_REQUESTS
    cell.history.add(namespace, metric, dims, low=low, high=high, days=cell.history_days, unit="Count",
                     per_day=True, integer=traffic != "busy")


__all__ = ["seed_load_balancers"]
