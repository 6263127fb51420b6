"""Demo databases and caches: busy, idle, and ones whose metrics never arrived."""

from __future__ import annotations

from orgsweep.types import Verdict
from orgsweep_local.demo.cell import SeedCell

#: flagged, insufficient data ("no data"), ok
F, ND, OK = Verdict.FLAGGED, Verdict.INSUFFICIENT_DATA, Verdict.OK

#: (scenario, expected verdict, connections per sample or None for no metrics at all)
_RDS_CASES: tuple[tuple[str, Verdict, tuple[float, float] | None], ...] = (
    ("busy", OK, (4.0, 60.0)),
    ("no connections", F, (0.0, 0.0)),
    ("no metrics", ND, None),
)
_CACHE_CASES: tuple[tuple[str, Verdict, tuple[float, float] | None], ...] = (
    ("busy", OK, (12.0, 300.0)),
    ("only monitoring connections", F, (0.0, 2.0)),
    ("no metrics", ND, None),
)


def seed_databases(cell: SeedCell) -> None:
    rds = cell.client("rds")
    for scenario, verdict, connections in _RDS_CASES:
        identifier = cell.name("db")
        engine = cell.rng.choice(("postgres", "mysql"))
        instance = rds.create_db_instance(
            DBInstanceIdentifier=identifier,
            DBInstanceClass=cell.rng.choice(("db.t3.medium", "db.m5.large", "db.r5.large")),
            Engine=engine,
            MasterUsername="orgsweep",
            MasterUserPassword="not-a-real-password-1",
            AllocatedStorage=cell.rng.choice((20, 100, 500)),
            Tags=cell.tags(identifier),
        )["DBInstance"]
        if connections is not None:
            cell.history.add("AWS/RDS", "DatabaseConnections", {"DBInstanceIdentifier": identifier},
                             low=connections[0], high=connections[1], days=cell.history_days, unit="Count",
                             integer=True)
        cell.expect("rds-instance-idle", identifier, verdict, scenario, instance["DBInstanceArn"])


def seed_caches(cell: SeedCell) -> None:
    elasticache = cell.client("elasticache")
    for scenario, verdict, connections in _CACHE_CASES:
        cluster_id = cell.name("cache")
        cluster = elasticache.create_cache_cluster(
            CacheClusterId=cluster_id,
            Engine="redis",
            CacheNodeType=cell.rng.choice(("cache.t3.micro", "cache.m5.large")),
            NumCacheNodes=1,
            Tags=cell.tags(cluster_id),
        )["CacheCluster"]
        if connections is not None:
            # Per node only, as CloudWatch publishes it ({CacheClusterId, CacheNodeId}); a one-node
            # cluster's node is 0001 (moto lists no CacheNodes, and the check numbers them the same way).
            node = {"CacheClusterId": cluster_id, "CacheNodeId": "0001"}
            cell.history.add("AWS/ElastiCache", "CurrConnections", node, low=connections[0], high=connections[1],
                             days=cell.history_days, unit="Count", integer=True)
        cell.expect("elasticache-cluster-idle", cluster_id, verdict, scenario, cluster.get("ARN", ""))


__all__ = ["seed_caches", "seed_databases"]
