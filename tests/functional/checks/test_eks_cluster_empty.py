from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from orgsweep.checks import get_check
from orgsweep.types import Verdict
from tests.functional.checkkit import MotoContext, iam_role, run_check, vpc_with_subnets

pytestmark = pytest.mark.functional

CHECK = get_check("eks-cluster-empty")


@pytest.fixture
def cluster(session: Any, ec2: Any) -> dict[str, Any]:
    _, subnets = vpc_with_subnets(ec2)
    role = iam_role(session)
    session.client("eks").create_cluster(
        name="platform", roleArn=role, resourcesVpcConfig={"subnetIds": subnets}, tags={"env": "dev"}
    )
    return {"name": "platform", "role": role, "subnets": subnets}


def test_cluster_without_compute_is_flagged(ctx: MotoContext, cluster: dict[str, Any]) -> None:
    run = run_check(CHECK(), ctx)
    resource, evaluation = run.only()
    assert resource.resource_arn == "arn:aws:eks:us-east-1:123456789012:cluster/platform"
    assert resource.tags == {"env": "dev"}
    assert resource.created_at is not None
    assert evaluation.verdict is Verdict.FLAGGED
    assert evaluation.monthly_cost_usd == pytest.approx(73.0)
    assert "no managed node groups and no Fargate profiles" in evaluation.reason
    assert run.actions == set(CHECK.permissions)


def test_cluster_with_a_node_group_is_ok(session: Any, ctx: MotoContext, cluster: dict[str, Any]) -> None:
    session.client("eks").create_nodegroup(
        clusterName="platform", nodegroupName="workers", subnets=cluster["subnets"], nodeRole=cluster["role"]
    )
    resource, evaluation = run_check(CHECK(), ctx).only()
    assert resource.attributes["nodegroups"] == ["workers"]
    assert evaluation.verdict is Verdict.OK


def test_cluster_with_a_fargate_profile_is_ok(session: Any, ctx: MotoContext, cluster: dict[str, Any]) -> None:
    session.client("eks").create_fargate_profile(
        clusterName="platform",
        fargateProfileName="default",
        podExecutionRoleArn=cluster["role"],
        subnets=cluster["subnets"][:1],
        selectors=[{"namespace": "default"}],
    )
    resource, evaluation = run_check(CHECK(), ctx).only()
    assert resource.attributes["fargate_profiles"] == ["default"]
    assert evaluation.verdict is Verdict.OK


def test_auto_mode_caveat_is_in_the_reason(ctx: MotoContext, cluster: dict[str, Any]) -> None:
    check = CHECK()
    (resource,) = list(check.discover(ctx))
    auto = replace(resource, attributes={**resource.attributes, "auto_mode": True})
    evaluation = check.evaluate(auto, {}, ctx)
    assert evaluation.verdict is Verdict.FLAGGED
    assert "Auto Mode" in evaluation.reason


def test_no_clusters(ctx: MotoContext) -> None:
    run = run_check(CHECK(), ctx)
    assert run.resources == {}
    assert run.actions == {"eks:ListClusters"}
