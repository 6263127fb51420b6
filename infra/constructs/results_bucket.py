"""The results bucket (manifests, raw cell outputs, Map results, Parquet tables) and its access-log bucket."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.nag import suppress

#: Working data that only matters until the run is aggregated: expires after results_retention_days.
#: tables/ and runs/ are the product (history) and are kept.
EXPIRING_PREFIXES: tuple[str, ...] = ("manifests/", "raw/", "results/", "athena-results/")
ACCESS_LOG_RETENTION_DAYS = 90
NONCURRENT_VERSION_DAYS = 7


class ResultsBucket(Construct):
    """S3 bucket of one deployment: SSE-S3, TLS only, no public access, versioned, access-logged."""

    def __init__(self, scope: Construct, construct_id: str, *, results_retention_days: int) -> None:
        super().__init__(scope, construct_id)
        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,  # server access logging needs SSE-S3 on the target
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            versioned=False,
            lifecycle_rules=[
                s3.LifecycleRule(id="expire-access-logs", expiration=Duration.days(ACCESS_LOG_RETENTION_DAYS))
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )
        suppress(
            self.access_logs,
            "AwsSolutions-S1",
            "This is the server-access-log target of the results bucket; logging it into itself would loop.",
        )

        rules = [
            s3.LifecycleRule(
                id=f"expire-{prefix.rstrip('/')}", prefix=prefix, expiration=Duration.days(results_retention_days)
            )
            for prefix in EXPIRING_PREFIXES
        ]
        rules.append(
            s3.LifecycleRule(
                id="tidy-versions-and-uploads",
                noncurrent_version_expiration=Duration.days(NONCURRENT_VERSION_DAYS),
                abort_incomplete_multipart_upload_after=Duration.days(1),
                expired_object_delete_marker=True,
            )
        )
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            versioned=True,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="results-bucket/",
            lifecycle_rules=rules,
            removal_policy=RemovalPolicy.RETAIN,
        )


__all__ = ["EXPIRING_PREFIXES", "ResultsBucket"]
