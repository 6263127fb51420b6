"""eks-cluster-empty: an EKS cluster with no managed node groups and no Fargate profiles.

ListClusters gives names only, so each cluster costs DescribeCluster (ARN, status,
creation time, tags) plus ListNodegroups and ListFargateProfiles. Self-managed nodes,
Karpenter and EKS Auto Mode run compute without node groups; the rule (DESIGN §4) cannot
see them, so the reason says when Auto Mode is enabled.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from orgsweep.checks import pricing
from orgsweep.checks.base import Check
from orgsweep.checks.registry import register
from orgsweep.checks.support import arn, as_utc, evidence, paginate, tag_dict
from orgsweep.checks.types import CheckContext, Evaluation, Resource
from orgsweep.metrics.types import MetricQuery, MetricSeries
from orgsweep.types import Verdict


@register
class EksClusterEmpty(Check):
    id = "eks-cluster-empty"
    resource_type = "AWS::EKS::Cluster"
    description = "EKS cluster with no managed node groups and no Fargate profiles."
    permissions = ("eks:DescribeCluster", "eks:ListClusters", "eks:ListFargateProfiles", "eks:ListNodegroups")

    def discover(self, ctx: CheckContext) -> Iterable[Resource]:
        eks = ctx.client("eks")
        for name in paginate(eks, "list_clusters", "clusters"):
            cluster = eks.describe_cluster(name=name)["cluster"]
            nodegroups = list(paginate(eks, "list_nodegroups", "nodegroups", clusterName=name))
            profiles = list(paginate(eks, "list_fargate_profiles", "fargateProfileNames", clusterName=name))
            yield Resource(
                resource_type=self.resource_type,
                resource_id=name,
                resource_arn=cluster.get("arn") or arn(ctx, "eks", f"cluster/{name}"),
                state=cluster.get("status", ""),
                created_at=as_utc(cluster.get("createdAt")),
                tags=tag_dict(cluster.get("tags")),
                attributes={
                    "version": cluster.get("version"),
                    "nodegroups": sorted(nodegroups),
                    "fargate_profiles": sorted(profiles),
                    "auto_mode": bool((cluster.get("computeConfig") or {}).get("enabled", False)),
                },
            )

    def evaluate(
        self, resource: Resource, metrics: Mapping[MetricQuery, MetricSeries], ctx: CheckContext
    ) -> Evaluation:
        attrs = resource.attributes
        cost = pricing.hourly(pricing.EKS_CLUSTER_HOURLY, "EKS control plane")
        facts = evidence(
            self.params,
            cost=cost,
            nodegroups=attrs["nodegroups"],
            fargate_profiles=attrs["fargate_profiles"],
            auto_mode=attrs["auto_mode"],
        )
        what = f"EKS cluster {resource.resource_id}"
        if attrs["nodegroups"] or attrs["fargate_profiles"]:
            reason = (
                f"{what} has {len(attrs['nodegroups'])} node group(s) "
                f"and {len(attrs['fargate_profiles'])} Fargate profile(s)."
            )
            return Evaluation(Verdict.OK, reason, facts, cost.monthly_usd)
        caveat = " EKS Auto Mode is enabled, so it may still run nodes." if attrs["auto_mode"] else ""
        reason = f"{what} has no managed node groups and no Fargate profiles.{caveat}"
        return Evaluation(Verdict.FLAGGED, reason, facts, cost.monthly_usd)


__all__ = ["EksClusterEmpty"]
