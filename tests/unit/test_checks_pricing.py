from __future__ import annotations

import pytest

from orgsweep.checks import pricing

pytestmark = pytest.mark.unit


def test_table_metadata() -> None:
    assert pricing.PRICES_AS_OF == "2026-11"
    assert "us-east-1" in pricing.PRICES_SOURCE and "On-Demand" in pricing.PRICES_SOURCE
    assert pricing.HOURS_PER_MONTH == 730


@pytest.mark.parametrize(
    ("estimate", "monthly"),
    [
        (pricing.ebs_volume("gp3", 100), 8.0),
        (pricing.ebs_volume("gp2", 10), 1.0),
        (pricing.ebs_volume("io2", 100), 12.5),
        (pricing.ebs_volume("sc1", 1000), 15.0),
        (pricing.ebs_snapshot(20), 1.0),
        (pricing.hourly(pricing.EIP_HOURLY, "EIP"), 3.65),
        (pricing.hourly(pricing.NAT_GATEWAY_HOURLY, "NAT"), 32.85),
        (pricing.hourly(pricing.ALB_HOURLY, "ALB"), 16.425),
        (pricing.hourly(pricing.CLB_HOURLY, "CLB"), 18.25),
        (pricing.hourly(pricing.EKS_CLUSTER_HOURLY, "EKS"), 73.0),
        (pricing.hourly(pricing.INTERFACE_ENDPOINT_AZ_HOURLY, "endpoint", 3), 21.9),
        (pricing.ec2_instance("t3.micro"), 7.592),
        (pricing.rds_instance("db.t3.micro", multi_az=False), 12.41),
        (pricing.rds_instance("db.t3.micro", multi_az=True), 24.82),
        (pricing.elasticache_cluster("cache.t3.small", 2), 49.64),
        (pricing.ebs_volumes([("gp3", 100), ("gp2", 10)]), 9.0),
    ],
)
def test_monthly_estimates(estimate: pricing.CostEstimate, monthly: float) -> None:
    assert estimate.monthly_usd == pytest.approx(monthly)
    assert estimate.basis


@pytest.mark.parametrize(
    "estimate",
    [
        pricing.ebs_volume("gp9", 100),
        pricing.ec2_instance("x9z.metal"),
        pricing.rds_instance("db.x9.huge", multi_az=True),
        pricing.elasticache_cluster("cache.x9.huge", 3),
    ],
)
def test_unknown_types_cost_zero_and_say_so(estimate: pricing.CostEstimate) -> None:
    assert estimate.monthly_usd == 0 and not estimate.is_priced
    assert "no price" in estimate.basis and pricing.PRICES_AS_OF in estimate.basis


def test_every_listed_price_is_positive() -> None:
    tables = [pricing.EBS_GB_MONTH, pricing.EC2_HOURLY, pricing.RDS_HOURLY, pricing.ELASTICACHE_HOURLY]
    assert all(price > 0 for table in tables for price in table.values())
    assert pricing.ebs_volumes([]).monthly_usd == 0
