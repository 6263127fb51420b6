"""The one static price table behind every `monthly_cost_usd` estimate.

us-east-1, On-Demand, list prices in USD, taken from the AWS public pricing pages
(see docs/pricing.md for what is and is not included). A month is 730 hours. Estimates
are the resource's own fixed charge (hours or provisioned GB); usage charges (data
processed, LCUs, requests, IOPS above the baseline) are not included. A type missing
from the tables is priced at 0 and the estimate says so, so a finding is never dropped
for want of a price.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

PRICES_AS_OF: Final = "2026-11"
PRICES_SOURCE: Final = "AWS public pricing pages, us-east-1, On-Demand (list prices, USD)"
HOURS_PER_MONTH: Final = 730

#: EBS volume storage, USD per GB-month (baseline IOPS/throughput included; extra provisioned
#: IOPS/throughput of gp3/io1/io2 is not).
EBS_GB_MONTH: Final = MappingProxyType(
    {"gp3": 0.08, "gp2": 0.10, "io1": 0.125, "io2": 0.125, "st1": 0.045, "sc1": 0.015, "standard": 0.05}
)
#: EBS snapshot storage (standard tier), USD per GB-month.
SNAPSHOT_GB_MONTH: Final = 0.05

#: Fixed hourly charges, USD per hour.
EIP_HOURLY: Final = 0.005  # public IPv4 address, associated or not
NAT_GATEWAY_HOURLY: Final = 0.045
ALB_HOURLY: Final = 0.0225
NLB_HOURLY: Final = 0.0225
CLB_HOURLY: Final = 0.025
EKS_CLUSTER_HOURLY: Final = 0.10  # standard support
INTERFACE_ENDPOINT_AZ_HOURLY: Final = 0.01  # per endpoint per Availability Zone

#: EC2 Linux On-Demand, USD per hour.
EC2_HOURLY: Final = MappingProxyType(
    {
        "t2.nano": 0.0058, "t2.micro": 0.0116, "t2.small": 0.023, "t2.medium": 0.0464, "t2.large": 0.0928,
        "t3.nano": 0.0052, "t3.micro": 0.0104, "t3.small": 0.0208, "t3.medium": 0.0416, "t3.large": 0.0832,
        "t3.xlarge": 0.1664, "t3.2xlarge": 0.3328,
        "t3a.micro": 0.0094, "t3a.small": 0.0188, "t3a.medium": 0.0376, "t3a.large": 0.0752,
        "t4g.micro": 0.0084, "t4g.small": 0.0168, "t4g.medium": 0.0336, "t4g.large": 0.0672,
        "m5.large": 0.096, "m5.xlarge": 0.192, "m5.2xlarge": 0.384, "m5.4xlarge": 0.768,
        "m6i.large": 0.096, "m6i.xlarge": 0.192, "m6i.2xlarge": 0.384,
        "m6g.large": 0.077, "m6g.xlarge": 0.154,
        "m7i.large": 0.1008, "m7i.xlarge": 0.2016, "m7g.large": 0.0816, "m7g.xlarge": 0.1632,
        "c5.large": 0.085, "c5.xlarge": 0.17, "c5.2xlarge": 0.34,
        "c6i.large": 0.085, "c6i.xlarge": 0.17, "c6g.large": 0.068, "c6g.xlarge": 0.136, "c7g.large": 0.0725,
        "r5.large": 0.126, "r5.xlarge": 0.252, "r5.2xlarge": 0.504,
        "r6i.large": 0.126, "r6i.xlarge": 0.252, "r6g.large": 0.1008, "r6g.xlarge": 0.2016,
    }
)  # fmt: skip

#: RDS Single-AZ instance hours (MySQL/MariaDB list price; PostgreSQL is within a few per cent;
#: commercial engines with licence included cost more). Multi-AZ doubles it. Storage not included.
RDS_HOURLY: Final = MappingProxyType(
    {
        "db.t3.micro": 0.017, "db.t3.small": 0.034, "db.t3.medium": 0.068, "db.t3.large": 0.136,
        "db.t4g.micro": 0.016, "db.t4g.small": 0.032, "db.t4g.medium": 0.065, "db.t4g.large": 0.129,
        "db.m5.large": 0.171, "db.m5.xlarge": 0.342, "db.m5.2xlarge": 0.684,
        "db.m6g.large": 0.152, "db.m6g.xlarge": 0.304, "db.m6i.large": 0.171, "db.m6i.xlarge": 0.342,
        "db.r5.large": 0.24, "db.r5.xlarge": 0.48, "db.r6g.large": 0.215, "db.r6g.xlarge": 0.43,
    }
)  # fmt: skip

#: ElastiCache (Redis OSS / Memcached) node hours.
ELASTICACHE_HOURLY: Final = MappingProxyType(
    {
        "cache.t3.micro": 0.017, "cache.t3.small": 0.034, "cache.t3.medium": 0.068,
        "cache.t4g.micro": 0.016, "cache.t4g.small": 0.032, "cache.t4g.medium": 0.065,
        "cache.m5.large": 0.156, "cache.m5.xlarge": 0.311,
        "cache.m6g.large": 0.149, "cache.m6g.xlarge": 0.298,
        "cache.r5.large": 0.216, "cache.r5.xlarge": 0.431,
        "cache.r6g.large": 0.206, "cache.r6g.xlarge": 0.411,
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CostEstimate:
    """A monthly estimate and, in words, how it was computed (goes into the evidence)."""

    monthly_usd: float
    basis: str

    @property
    def is_priced(self) -> bool:
        return self.monthly_usd > 0


NO_COST: Final = CostEstimate(0.0, "no fixed charge")


def _usd(value: float) -> float:
    return round(value, 4)


def hourly(rate: float, what: str, units: int = 1) -> CostEstimate:
    """`units` x `rate` USD/hour x 730 hours."""
    per = f"{units} x " if units != 1 else ""
    return CostEstimate(_usd(rate * units * HOURS_PER_MONTH), f"{what}: {per}${rate}/h x {HOURS_PER_MONTH} h")


def _unpriced(kind: str, name: str) -> CostEstimate:
    return CostEstimate(0.0, f"no price for {kind} {name!r} in the static table ({PRICES_AS_OF}); estimated as 0")


def ebs_volume(volume_type: str, size_gib: int) -> CostEstimate:
    rate = EBS_GB_MONTH.get(volume_type)
    if rate is None:
        return _unpriced("EBS volume type", volume_type)
    return CostEstimate(_usd(rate * size_gib), f"EBS {volume_type}: {size_gib} GiB x ${rate}/GB-month")


def ebs_volumes(volumes: list[tuple[str, int]]) -> CostEstimate:
    """Sum over (volume_type, size_gib) pairs, e.g. the volumes of a stopped instance."""
    if not volumes:
        return CostEstimate(0.0, "no EBS volumes attached")
    parts = [ebs_volume(volume_type, size) for volume_type, size in volumes]
    return CostEstimate(_usd(sum(p.monthly_usd for p in parts)), "; ".join(p.basis for p in parts))


def ebs_snapshot(size_gib: int) -> CostEstimate:
    # Snapshots are incremental: the source volume size is an upper bound of what is billed.
    return CostEstimate(
        _usd(SNAPSHOT_GB_MONTH * size_gib),
        f"EBS snapshot: at most {size_gib} GiB x ${SNAPSHOT_GB_MONTH}/GB-month (incremental, upper bound)",
    )


def ec2_instance(instance_type: str) -> CostEstimate:
    rate = EC2_HOURLY.get(instance_type)
    return _unpriced("EC2 instance type", instance_type) if rate is None else hourly(rate, f"EC2 {instance_type}")


def rds_instance(instance_class: str, *, multi_az: bool) -> CostEstimate:
    rate = RDS_HOURLY.get(instance_class)
    if rate is None:
        return _unpriced("RDS instance class", instance_class)
    return hourly(rate, f"RDS {instance_class}{' Multi-AZ' if multi_az else ''}", 2 if multi_az else 1)


def elasticache_cluster(node_type: str, nodes: int) -> CostEstimate:
    rate = ELASTICACHE_HOURLY.get(node_type)
    if rate is None:
        return _unpriced("ElastiCache node type", node_type)
    return hourly(rate, f"ElastiCache {node_type} nodes", nodes)


__all__ = [
    "ALB_HOURLY",
    "CLB_HOURLY",
    "EBS_GB_MONTH",
    "EC2_HOURLY",
    "EIP_HOURLY",
    "EKS_CLUSTER_HOURLY",
    "ELASTICACHE_HOURLY",
    "HOURS_PER_MONTH",
    "INTERFACE_ENDPOINT_AZ_HOURLY",
    "NAT_GATEWAY_HOURLY",
    "NLB_HOURLY",
    "NO_COST",
    "PRICES_AS_OF",
    "PRICES_SOURCE",
    "RDS_HOURLY",
    "SNAPSHOT_GB_MONTH",
    "CostEstimate",
    "ebs_snapshot",
    "ebs_volume",
    "ebs_volumes",
    "ec2_instance",
    "elasticache_cluster",
    "hourly",
    "rds_instance",
]
