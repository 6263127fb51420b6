"""elasticache-cluster-idle: an available cache cluster with (almost) no client connections.

Maximum CurrConnections over `lookback_days` ≤ `max_connections` (default 2: the engine's
own replication and monitoring connections). CloudWatch publishes CurrConnections per cache
node only, with dimensions {CacheClusterId, CacheNodeId}, and GetMetricData matches
dimension sets exactly; so there is one query per node, and the cluster is judged on the
per-day maximum over its nodes. Any busy node proves use; otherwise a day missing on any
node → insufficient_data (the silent node may be the busy one).

Nodes come from DescribeCacheClusters with ShowCacheNodeInfo (same IAM action). A response
without CacheNodes (moto omits them) falls back to ElastiCache's own numbering 0001…NNNN of
NumCacheNodes; a wrong guess can only read as missing data, never as idle.
DescribeCacheClusters returns no tags, so they are read per cluster with ListTagsForResource.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from orgsweep.checks import daily, pricing
from orgsweep.checks.registry import register
from orgsweep.checks.rules import MaxOverWindowCheck
from orgsweep.checks.support import arn, as_utc, paginate, tag_dict
from orgsweep.checks.types import CheckContext, Resource


@dataclass(frozen=True)
class ElastiCacheClusterIdleParams:
    lookback_days: int = daily.lookback_param(14)
    max_connections: int = 2


def cache_node_ids(cluster: Mapping[str, Any]) -> tuple[list[str], bool]:
    """The cluster's node ids, and whether they were listed (False: numbered from NumCacheNodes)."""
    listed = [str(node["CacheNodeId"]) for node in cluster.get("CacheNodes") or () if node.get("CacheNodeId")]
    if listed:
        return listed, True
    count = max(1, int(cluster.get("NumCacheNodes") or 1))
    return [f"{n:04d}" for n in range(1, count + 1)], False


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
    series_dimension = "CacheNodeId"

    def discover(self, ctx: CheckContext) -> Iterable[Resource]:
        client = ctx.client("elasticache")
        clusters = paginate(client, "describe_cache_clusters", "CacheClusters", page_size=100, ShowCacheNodeInfo=True)
        for cluster in clusters:
            if cluster.get("CacheClusterStatus") != "available":
                continue
            cluster_id = cluster["CacheClusterId"]
            cluster_arn = cluster.get("ARN") or arn(ctx, "elasticache", f"cluster:{cluster_id}")
            tags = client.list_tags_for_resource(ResourceName=cluster_arn).get("TagList", [])
            node_ids, listed = cache_node_ids(cluster)
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
                    "nodes": len(node_ids),
                    "cache_node_ids": node_ids,
                    "cache_node_ids_listed": listed,
                    "replication_group_id": cluster.get("ReplicationGroupId"),
                },
            )

    def metric_dimension_sets(self, resource: Resource) -> Sequence[Mapping[str, str]]:
        attrs = resource.attributes
        # A resource not from `discover` (no node list) gets the same numbering fallback.
        node_ids = attrs.get("cache_node_ids") or cache_node_ids({"NumCacheNodes": attrs.get("nodes", 1)})[0]
        return tuple({"CacheClusterId": resource.resource_id, "CacheNodeId": node} for node in node_ids)

    def subject(self, resource: Resource) -> str:
        attrs = resource.attributes
        return f"ElastiCache cluster {resource.resource_id} ({attrs['nodes']} x {attrs['node_type']})"

    def cost(self, resource: Resource) -> pricing.CostEstimate:
        return pricing.elasticache_cluster(resource.attributes["node_type"], resource.attributes["nodes"])


__all__ = ["ElastiCacheClusterIdle", "ElastiCacheClusterIdleParams", "cache_node_ids"]
