"""Demo Lambda functions and EKS clusters."""

from __future__ import annotations

import io
import json
import zipfile

from orgsweep.types import Verdict
from orgsweep_local.demo.cell import SeedCell

F, OK = Verdict.FLAGGED, Verdict.OK
_ASSUME_ROLE_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {
                    "Service": ["lambda.amazonaws.com", "eks.amazonaws.com", "eks-fargate-pods.amazonaws.com"]
                },
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def _code() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return {'ok': True}\n")
    return buffer.getvalue()


def service_role(cell: SeedCell) -> str:
    """The workload role of the account (IAM is global: created once per account)."""
    iam = cell.client("iam")
    name = "demo-workload-role"
    try:
        arn: str = iam.get_role(RoleName=name)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=_ASSUME_ROLE_POLICY)["Role"]["Arn"]
    return arn


def seed_functions(cell: SeedCell) -> None:
    client = cell.client("lambda")
    role = service_role(cell)
    code = _code()
    cases = (
        ("invoked every day", OK, cell.history_days, 0),
        ("invoked only 3 weeks ago", OK, 2, 21),
        ("never invoked", F, 0, 0),
    )
    for scenario, verdict, days, ending in cases:
        name = cell.name("fn")
        function = client.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role,
            Handler="index.handler",
            Code={"ZipFile": code},
            Tags={t["Key"]: t["Value"] for t in cell.tags(name)},
        )
        if days:
            cell.history.add("AWS/Lambda", "Invocations", {"FunctionName": name}, low=50, high=5_000, days=days,
                             ending_days_ago=ending, unit="Count", per_day=True, integer=True)
        cell.expect("lambda-function-unused", name, verdict, scenario, function["FunctionArn"])


def seed_clusters(cell: SeedCell) -> None:
    eks = cell.client("eks")
    role = service_role(cell)
    for scenario in ("with a node group", "with a Fargate profile", "empty"):
        name = cell.name("eks")
        cluster = eks.create_cluster(
            name=name,
            roleArn=role,
            resourcesVpcConfig={"subnetIds": list(cell.net.subnet_ids)},
            tags={t["Key"]: t["Value"] for t in cell.tags(name)},
        )["cluster"]
        if scenario == "with a node group":
            eks.create_nodegroup(
                clusterName=name, nodegroupName=f"{name}-workers", subnets=list(cell.net.subnet_ids), nodeRole=role
            )
        elif scenario == "with a Fargate profile":
            eks.create_fargate_profile(
                clusterName=name,
                fargateProfileName=f"{name}-default",
                podExecutionRoleArn=role,
                subnets=list(cell.net.subnet_ids),
                selectors=[{"namespace": "default"}],
            )
        verdict = F if scenario == "empty" else OK
        cell.expect("eks-cluster-empty", name, verdict, scenario, cluster["arn"])


__all__ = ["seed_clusters", "seed_functions", "service_role"]
