"""Scan cell: assume the member role in one account and region, run the checks, write raw/*."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Fn
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.constructs.step_function import StepFunction
from infra.nag import arn_finding, suppress
from infra.settings import Settings

RAW_OBJECTS = "raw/*"


def member_role_arn_pattern(member_role_name: str) -> str:
    """The member role in every account: `arn:<partition>:iam::*:role/<name>`."""
    return Fn.sub(f"arn:${{AWS::Partition}}:iam::*:role/{member_role_name}")


class ScanStep(Construct):
    """The scan_cell Lambda. Its role has a fixed name so member roles can trust it across accounts."""

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
            "ScanCell",
            name="scan_cell",
            description="orgsweep scan_cell: scan one (account, region) through the member role",
            settings=settings,
            bucket=bucket,
            layers=layers,
            role_name=settings.scan_role_name,
        )
        conditions = {}
        if settings.organization_id is not None:
            # Only roles in accounts of our own organization, even if another account names a role alike.
            conditions["StringEquals"] = {"aws:ResourceOrgID": settings.organization_id}
        self.step.allow(["sts:AssumeRole"], [member_role_arn_pattern(settings.member_role_name)], **conditions)
        self.step.allow(["s3:PutObject"], [bucket.arn_for_objects(RAW_OBJECTS)])
        self.function = self.step.function
        self.role = self.step.role
        suppress(
            self.step.role,
            "AwsSolutions-IAM5",
            "A cell may be any account of the organization: the role may assume only the member role name "
            "in any account (and only in the org when organization_id is set); X-Ray writes need '*'.",
            findings=["Resource::*", f"Resource::arn:<AWS::Partition>:iam::*:role/{settings.member_role_name}"],
        )
        suppress(
            self.step.role,
            "AwsSolutions-IAM5",
            "Each cell writes its own deterministic key raw/<run_id>/<account>/<region>.json.gz; run ids are "
            "chosen at execution time, so writes are scoped by the raw/ prefix.",
            findings=[arn_finding(bucket, f"/{RAW_OBJECTS}")],
        )


__all__ = ["ScanStep", "member_role_arn_pattern"]
