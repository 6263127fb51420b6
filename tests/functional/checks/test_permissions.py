"""Every registered check: the DESIGN §4 contract (ids, param defaults), read-only declared
permissions, param validation, and — against one representative moto fleet — that the AWS
actions each check actually calls are exactly the ones it declares."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from orgsweep.checks import Check, CheckParamError, all_checks, get_check
from orgsweep.checks.params import param_types
from tests.functional.checkkit import (
    REGION,
    MotoContext,
    iam_action,
    iam_role,
    lambda_zip,
    run_check,
    run_instance,
    vpc_with_subnets,
)

#: DESIGN §4 checks table: id → default params.
DESIGN: dict[str, dict[str, float]] = {
    "ebs-volume-unattached": {"min_age_days": 0},
    "ebs-volume-idle": {"lookback_days": 7, "max_daily_ops": 86_400},
    "ebs-snapshot-orphaned": {"min_age_days": 30},
    "eip-unassociated": {},
    "ec2-instance-idle": {"min_days": 4, "lookback_days": 14, "cpu_pct": 10, "net_mb": 5},
    "ec2-instance-stopped": {"min_days": 30},
    "nat-gateway-idle": {"lookback_days": 14, "max_bytes": 1_048_576},
    "elb-idle": {"lookback_days": 7, "min_daily_requests": 100},
    "elb-no-targets": {},
    "rds-instance-idle": {"lookback_days": 7, "max_connections": 0},
    "elasticache-cluster-idle": {"lookback_days": 14, "max_connections": 2},
    "lambda-function-unused": {"lookback_days": 30, "max_invocations": 0},
    "security-group-unused": {},
    "eni-unattached": {},
    "vpc-endpoint-idle": {"lookback_days": 14, "max_bytes": 0},
    "eks-cluster-empty": {},
}
READ_ONLY = re.compile(r"^(ec2|elasticloadbalancing|rds|elasticache|lambda|eks|tag):(Describe|List|Get)[A-Za-z]+$")
CHECKS = all_checks()


def _ids(checks: list[type[Check]]) -> list[str]:
    return [c.id for c in checks]


# --- unit: the declared contract ---------------------------------------------------------


@pytest.mark.unit
def test_catalogue_is_exactly_the_design_table() -> None:
    assert sorted(_ids(CHECKS)) == sorted(DESIGN)
    assert len(CHECKS) == 16


@pytest.mark.unit
@pytest.mark.parametrize("check", CHECKS, ids=_ids(CHECKS))
def test_param_defaults_match_design(check: type[Check]) -> None:
    assert check.default_params() == DESIGN[check.id]
    assert dataclasses.is_dataclass(check.Params) and check.Params.__dataclass_params__.frozen  # type: ignore[attr-defined]


@pytest.mark.unit
@pytest.mark.parametrize("check", CHECKS, ids=_ids(CHECKS))
def test_declaration_is_complete_and_read_only(check: type[Check]) -> None:
    assert check.resource_type.startswith("AWS::") and check.resource_type.count("::") == 2
    assert check.description.endswith(".")
    assert check.permissions and len(set(check.permissions)) == len(check.permissions)
    for action in check.permissions:
        assert READ_ONLY.match(action), f"{check.id}: {action} is not a read-only action"
        assert not action.startswith("cloudwatch:"), "metrics are fetched by the cell, not by checks"


@pytest.mark.unit
@pytest.mark.parametrize("check", CHECKS, ids=_ids(CHECKS))
def test_unknown_param_is_rejected_naming_the_field(check: type[Check]) -> None:
    with pytest.raises(CheckParamError) as info:
        check.from_raw_params({"no_such_param": 1})
    assert info.value.field == f"{check.id}.no_such_param"


@pytest.mark.unit
@pytest.mark.parametrize(
    ("check", "name"),
    [(c, name) for c in CHECKS for name in DESIGN[c.id]],
    ids=[f"{c.id}.{name}" for c in CHECKS for name in DESIGN[c.id]],
)
def test_every_param_validates(check: type[Check], name: str) -> None:
    field = f"{check.id}.{name}"
    for bad in ("7", True, False, None, -1, [1], {"a": 1}):
        with pytest.raises(CheckParamError) as info:
            check.from_raw_params({name: bad})
        assert info.value.field == field, bad
    expected = param_types(check.Params)[name]
    if expected is int:
        with pytest.raises(CheckParamError):
            check.from_raw_params({name: 1.5})
    if name == "lookback_days":
        for out_of_range in (0, 456):
            with pytest.raises(CheckParamError, match=re.escape(field)):
                check.from_raw_params({name: out_of_range})
    value = 3 if expected is int else 2.5
    built = check.from_raw_params({name: value})
    assert getattr(built.params, name) == value
    assert type(getattr(built.params, name)) is expected


@pytest.mark.unit
@pytest.mark.parametrize(
    ("service", "operation", "action"),
    [
        ("ec2", "DescribeVolumes", "ec2:DescribeVolumes"),
        ("elbv2", "DescribeTargetHealth", "elasticloadbalancing:DescribeTargetHealth"),
        ("elb", "DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancers"),
        ("resourcegroupstaggingapi", "GetResources", "tag:GetResources"),
        ("cloudwatch", "GetMetricData", "cloudwatch:GetMetricData"),
        ("lambda", "ListFunctions", "lambda:ListFunctions"),
    ],
)
def test_iam_action_translation(service: str, operation: str, action: str) -> None:
    assert iam_action(service, operation) == action


# --- functional: what checks really call -------------------------------------------------


@pytest.fixture(scope="module")
def fleet() -> Iterator[Any]:
    """One of everything every check looks at, so every declared action gets exercised."""
    from moto import mock_aws

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        with mock_aws():
            session = boto3.Session(region_name=REGION)
            _seed(session)
            yield session


def _seed(session: Any) -> None:
    ec2 = session.client("ec2")
    vpc_id, subnets = vpc_with_subnets(ec2)
    role = iam_role(session)
    volume_id = ec2.create_volume(AvailabilityZone="us-east-1a", Size=10)["VolumeId"]
    ec2.create_snapshot(VolumeId=volume_id)
    run_instance(ec2, SubnetId=subnets[0])
    ec2.stop_instances(InstanceIds=[run_instance(ec2, SubnetId=subnets[0])])
    ec2.allocate_address(Domain="vpc")
    ec2.create_nat_gateway(SubnetId=subnets[0], AllocationId=ec2.allocate_address(Domain="vpc")["AllocationId"])
    ec2.create_security_group(GroupName="unused", Description="unused", VpcId=vpc_id)
    ec2.create_network_interface(SubnetId=subnets[0])
    ec2.create_vpc_endpoint(
        VpcId=vpc_id, ServiceName="com.amazonaws.us-east-1.sqs", VpcEndpointType="Interface", SubnetIds=subnets
    )
    elbv2 = session.client("elbv2")
    lb_arn = elbv2.create_load_balancer(Name="alb", Subnets=subnets, Type="application")["LoadBalancers"][0][
        "LoadBalancerArn"
    ]
    group_arn = elbv2.create_target_group(Name="tg", Protocol="HTTP", Port=80, VpcId=vpc_id)["TargetGroups"][0][
        "TargetGroupArn"
    ]
    elbv2.create_listener(
        LoadBalancerArn=lb_arn,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group_arn}],
    )
    session.client("elb").create_load_balancer(
        LoadBalancerName="clb",
        Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}],
        AvailabilityZones=["us-east-1a"],
    )
    session.client("rds").create_db_instance(
        DBInstanceIdentifier="db",
        DBInstanceClass="db.t3.micro",
        Engine="mysql",
        MasterUsername="admin_user",
        MasterUserPassword="not-a-secret-1",
        AllocatedStorage=20,
    )
    session.client("elasticache").create_cache_cluster(
        CacheClusterId="cache", Engine="redis", CacheNodeType="cache.t3.micro", NumCacheNodes=1
    )
    session.client("lambda").create_function(
        FunctionName="fn", Runtime="python3.12", Role=role, Handler="handler.handler", Code={"ZipFile": lambda_zip()}
    )
    session.client("eks").create_cluster(name="eks", roleArn=role, resourcesVpcConfig={"subnetIds": subnets})


@pytest.mark.functional
@pytest.mark.parametrize("check", CHECKS, ids=_ids(CHECKS))
def test_called_actions_are_exactly_the_declared_permissions(fleet: Any, check: type[Check]) -> None:
    ctx = MotoContext(fleet)
    run = run_check(check(), ctx)  # fails itself on any undeclared action
    assert run.resources, f"the representative fleet has nothing for {check.id}"
    assert run.actions <= set(check.permissions)
    assert set(check.permissions) <= run.actions, f"{check.id} declares actions it never calls"


@pytest.mark.functional
def test_get_check_returns_the_registered_classes() -> None:
    assert [get_check(check_id) for check_id in sorted(DESIGN)] == sorted(CHECKS, key=lambda c: c.id)
