"""Aggregate: read the run's manifest, raw cell outputs and Map results; write Parquet tables and a summary."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.constructs.step_function import StepFunction
from infra.nag import arn_finding, suppress
from infra.settings import Settings

READ_PREFIXES: tuple[str, ...] = ("raw/", "results/", "manifests/")
WRITE_PREFIXES: tuple[str, ...] = ("tables/", "runs/")


class AggregateStep(Construct):
    """The aggregate Lambda (pyarrow from the stack's arrow layer)."""

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
            "Aggregate",
            name="aggregate",
            description="orgsweep aggregate: raw cell outputs and Map results -> Parquet tables and run summary",
            settings=settings,
            bucket=bucket,
            layers=layers,
        )
        reads = [f"{prefix}*" for prefix in READ_PREFIXES]
        writes = [f"{prefix}*" for prefix in WRITE_PREFIXES]
        self.step.allow(["s3:GetObject"], [bucket.arn_for_objects(pattern) for pattern in reads])
        self.step.allow(["s3:ListBucket"], [bucket.bucket_arn], StringLike={"s3:prefix": reads})
        self.step.allow(
            ["s3:AbortMultipartUpload", "s3:PutObject"], [bucket.arn_for_objects(pattern) for pattern in writes]
        )
        self.function = self.step.function
        suppress(
            self.step.role,
            "AwsSolutions-IAM5",
            "The aggregator reads one run's objects and writes its tables and summary; run ids and dates are "
            "chosen at execution time, so access is scoped by key prefix (raw/, results/, manifests/ read; "
            "tables/, runs/ write). X-Ray trace writes need '*'.",
            findings=["Resource::*", *(arn_finding(bucket, f"/{pattern}") for pattern in [*reads, *writes])],
        )


__all__ = ["READ_PREFIXES", "WRITE_PREFIXES", "AggregateStep"]
