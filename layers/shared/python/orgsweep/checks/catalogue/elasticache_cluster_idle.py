"""elasticache-cluster-idle: an available cache cluster with (almost) no client connections.

Maximum CurrConnections over `lookback_days` (dimension CacheClusterId; daily Maximum, then
the max of the days) ≤ `max_connections` (default 2: the engine's own replication and
monitoring connections). Missing days → insufficient_data unless data already shows use.
DescribeCacheClusters returns no tags, so they are read per cluster with ListTagsForResource.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from orgsweep.checks import daily, pricing
from orgsweep.checks.registry import register
from orgsweep.checks.rules import MaxOverWindowCheck
from orgsweep.checks.support import arn, as_utc, paginate, tag_dict
from orgsweep.checks.types import CheckContext, Resource


@dataclass(frozen=True)
class ElastiCacheClusterIdleParams:
    lookback_days: int = daily.lookback_param(14)
    max_connections: int = 2


@register
class ElastiCacheClusterIdle(MaxOverWindowCheck):
    id = "elasticache-cluster-idle"
    resource_type = "AWS::ElastiCache::CacheCluster"
    description = "Available ElastiCache cluster with at most max_connections connections over the lookback."
    permissions = ("elasticache:DescribeCacheClusters", "elasticache:ListTagsForResource")
    Params = ElastiCacheClusterIdleParams
    namespace = "AWS/ElastiCache"
    metric_name = "CurrConnections"
    statistic = "Maximum"
    limit_param = "max_connections"
    noun = "client connections"

    def discover(self, ctx: CheckContext) -> Iterable[Resource]:
        client = ctx.client("elasticache")
        for cluster in paginate(client, "describe_cache_clusters", "CacheClusters", page_size=100):
            if cluster.get("CacheClusterStatus") != "available":
                continue
            cluster_id = cluster["CacheClusterId"]
            cluster_arn = cluster.get("ARN") or arn(ctx, "elasticache", f"cluster:{cluster_id}")
            tags = client.list_tags_for_resource(ResourceName=cluster_arn).get("TagList", [])
            yield Resource(
                resource_type=self.resource_type,
                resource_id=cluster_id,
                resource_arn=cluster_arn,
                state=cluster["CacheClusterStatus"],
                created_at=as_utc(cluster.get("CacheClusterCreateTime")),
                tags=tag_dict(tags),
                attributes={
                    "node_type": cluster.get("CacheNodeType", ""),
                    "engine": cluster.get("Engine"),
                    "engine_version": cluster.get("EngineVersion"),
                    "nodes": int(cluster.get("NumCacheNodes", 1)),
                    "replication_group_id": cluster.get("ReplicationGroupId"),
                },
            )

    def metric_dimensions(self, resource: Resource) -> Mapping[str, str]:
        return {"CacheClusterId": resource.resource_id}

    def subject(self, resource: Resource) -> str:
        attrs = resource.attributes
        return f"ElastiCache cluster {resource.resource_id} ({attrs['nodes']} x {attrs['node_type']})"

    def cost(self, resource: Resource) -> pricing.CostEstimate:
        return pricing.elasticache_cluster(resource.attributes["node_type"], resource.attributes["nodes"])


__all__ = ["ElastiCacheClusterIdle", "ElastiCacheClusterIdleParams"]
