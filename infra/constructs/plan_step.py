"""Plan: validate the execution input, list the org's accounts and regions, write the cell manifest."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Aws
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.constructs.step_function import StepFunction
from infra.nag import arn_finding, suppress
from infra.settings import Settings

#: Read-only Organizations calls that walk the org tree (none supports resource-level scoping).
ORGANIZATIONS_ACTIONS: tuple[str, ...] = (
    "organizations:DescribeOrganization",
    "organizations:ListAccounts",
    "organizations:ListAccountsForParent",
    "organizations:ListChildren",
    "organizations:ListOrganizationalUnitsForParent",
    "organizations:ListRoots",
)
MANIFEST_OBJECTS = "manifests/*"


class PlanStep(Construct):
    """The plan Lambda: may list the organization and regions, and list, read and write manifests/* only."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: Settings,
        bucket: s3.IBucket,
        layers: Sequence[lambda_.ILayerVersion],
    ) -> None:
        super().__init__(scope, construct_id)
        self.step = StepFunction(
            self,
            "Plan",
            name="plan",
            description="orgsweep plan: validate input, list accounts and regions, write the cell manifest",
            settings=settings,
            bucket=bucket,
            layers=layers,
            environment={
                "ORGSWEEP_DEFAULTS": settings.run_defaults_json(),
                # Plan refuses a role_name / external_id the deployed scan and member roles cannot use.
                "ORGSWEEP_DEPLOYED_ACCESS": settings.deployed_access_json(Aws.PARTITION),
            },
        )
        self.step.allow([*ORGANIZATIONS_ACTIONS, "ec2:DescribeRegions"], ["*"])
        # Re-planning a run id reads its run.json (to keep its creation time): list, read, write manifests/ only.
        self.step.allow(["s3:GetObject", "s3:PutObject"], [bucket.arn_for_objects(MANIFEST_OBJECTS)])
        self.step.allow(["s3:ListBucket"], [bucket.bucket_arn], StringLike={"s3:prefix": [MANIFEST_OBJECTS]})
        self.function = self.step.function
        suppress(
            self.step.role,
            "AwsSolutions-IAM5",
            "Organizations List*/Describe*, ec2:DescribeRegions and X-Ray trace writes do not support "
            "resource-level permissions, so their resource must be '*'.",
            findings=["Resource::*"],
        )
        suppress(
            self.step.role,
            "AwsSolutions-IAM5",
            "The plan step reads and writes one run's run.json and cells.json under manifests/<run_id>/; the "
            "run id is chosen at execution time, so the keys are scoped by prefix.",
            findings=[arn_finding(bucket, f"/{MANIFEST_OBJECTS}")],
        )


__all__ = ["ORGANIZATIONS_ACTIONS", "PlanStep"]
