"""rds-instance-idle: an available DB instance nobody connected to.

Maximum DatabaseConnections over `lookback_days` (daily Maximum, then the max of the days)
≤ `max_connections`. RDS publishes the metric every minute while the instance is
available, so a day without a datapoint is a gap in the evidence: unless a day with data
already shows more connections, a gap gives insufficient_data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from orgsweep.checks import daily, pricing
from orgsweep.checks.base import Check
from orgsweep.checks.registry import register
from orgsweep.checks.rules import max_over_window
from orgsweep.checks.support import arn, as_utc, paginate, tag_dict
from orgsweep.checks.types import CheckContext, Evaluation, Resource
from orgsweep.metrics.types import MetricQuery, MetricSeries


@dataclass(frozen=True)
class RdsInstanceIdleParams:
    lookback_days: int = daily.lookback_param(7)
    max_connections: int = 0


@register
class RdsInstanceIdle(Check):
    id = "rds-instance-idle"
    resource_type = "AWS::RDS::DBInstance"
    description = "Available RDS DB instance with at most max_connections connections over the lookback."
    permissions = ("rds:DescribeDBInstances",)
    Params = RdsInstanceIdleParams

    def discover(self, ctx: CheckContext) -> Iterable[Resource]:
        for db in paginate(ctx.client("rds"), "describe_db_instances", "DBInstances", page_size=100):
            if db.get("DBInstanceStatus") != "available":
                continue
            name = db["DBInstanceIdentifier"]
            yield Resource(
                resource_type=self.resource_type,
                resource_id=name,
                resource_arn=db.get("DBInstanceArn") or arn(ctx, "rds", f"db:{name}"),
                state=db["DBInstanceStatus"],
                created_at=as_utc(db.get("InstanceCreateTime")),
                tags=tag_dict(db.get("TagList")),
                attributes={
                    "instance_class": db.get("DBInstanceClass", ""),
                    "engine": db.get("Engine"),
                    "engine_version": db.get("EngineVersion"),
                    "multi_az": bool(db.get("MultiAZ", False)),
                    "allocated_storage_gib": db.get("AllocatedStorage"),
                    "storage_type": db.get("StorageType"),
                    "cluster_id": db.get("DBClusterIdentifier"),
                },
            )

    def _query(self, resource: Resource) -> MetricQuery:
        p: RdsInstanceIdleParams = self.params
        dims = {"DBInstanceIdentifier": resource.resource_id}
        return daily.daily_query("AWS/RDS", "DatabaseConnections", dims, "Maximum", p.lookback_days)

    def metric_queries(self, resource: Resource) -> Sequence[MetricQuery]:
        return (self._query(resource),)

    def evaluate(
        self, resource: Resource, metrics: Mapping[MetricQuery, MetricSeries], ctx: CheckContext
    ) -> Evaluation:
        p: RdsInstanceIdleParams = self.params
        attrs = resource.attributes
        return max_over_window(
            p,
            self._query(resource),
            metrics,
            ctx.now,
            limit=p.max_connections,
            what=f"RDS instance {resource.resource_id} ({attrs['instance_class']}, {attrs['engine']})",
            noun="database connections",
            cost=pricing.rds_instance(attrs["instance_class"], multi_az=attrs["multi_az"]),
        )
