"""rds-instance-idle: an available DB instance nobody connected to.

Maximum DatabaseConnections over `lookback_days` (daily Maximum, then the max of the days)
≤ `max_connections`. RDS publishes the metric every minute while the instance is
available, so a day without a datapoint is a gap in the evidence: unless a day with data
already shows more connections, a gap gives insufficient_data.
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
class RdsInstanceIdleParams:
    lookback_days: int = daily.lookback_param(7)
    max_connections: int = 0


@register
class RdsInstanceIdle(MaxOverWindowCheck):
    id = "rds-instance-idle"
    resource_type = "AWS::RDS::DBInstance"
    description = "Available RDS DB instance with at most max_connections connections over the lookback."
    permissions = ("rds:DescribeDBInstances",)
    Params = RdsInstanceIdleParams
    namespace = "AWS/RDS"
    metric_name = "DatabaseConnections"
    statistic = "Maximum"
    limit_param = "max_connections"
    noun = "database connections"

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

    def metric_dimensions(self, resource: Resource) -> Mapping[str, str]:
        return {"DBInstanceIdentifier": resource.resource_id}

    def subject(self, resource: Resource) -> str:
        attrs = resource.attributes
        return f"RDS instance {resource.resource_id} ({attrs['instance_class']}, {attrs['engine']})"

    def cost(self, resource: Resource) -> pricing.CostEstimate:
        attrs = resource.attributes
        return pricing.rds_instance(attrs["instance_class"], multi_az=attrs["multi_az"])


__all__ = ["RdsInstanceIdle", "RdsInstanceIdleParams"]
