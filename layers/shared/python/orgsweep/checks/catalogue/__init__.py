"""Built-in checks: one module per check; importing this package registers them all."""

from orgsweep.checks.catalogue import (
    ebs_snapshot_orphaned,
    ebs_volume_idle,
    ebs_volume_unattached,
    ec2_instance_idle,
    ec2_instance_stopped,
    eip_unassociated,
    eks_cluster_empty,
    elasticache_cluster_idle,
    elb_idle,
    elb_no_targets,
    eni_unattached,
    lambda_function_unused,
    nat_gateway_idle,
    rds_instance_idle,
    security_group_unused,
    vpc_endpoint_idle,
)

__all__ = [
    "ebs_snapshot_orphaned",
    "ebs_volume_idle",
    "ebs_volume_unattached",
    "ec2_instance_idle",
    "ec2_instance_stopped",
    "eip_unassociated",
    "eks_cluster_empty",
    "elasticache_cluster_idle",
    "elb_idle",
    "elb_no_targets",
    "eni_unattached",
    "lambda_function_unused",
    "nat_gateway_idle",
    "rds_instance_idle",
    "security_group_unused",
    "vpc_endpoint_idle",
]
