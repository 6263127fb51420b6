"""What every workflow step's Lambda shares: runtime, layers, tracing, its own log group and role.

Each function gets its own role holding only its own statements (plus writing to its log
group and X-Ray), so the IAM scope of a step can be read, and tested, in one place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.constructs.shared_layer import ARCHITECTURE, RUNTIME
from infra.nag import suppress
from infra.paths import ASSET_EXCLUDES, FUNCTIONS_DIR
from infra.settings import Settings

METRICS_NAMESPACE = "OrgSweep"

_RETENTION: dict[int, logs.RetentionDays] = {
    1: logs.RetentionDays.ONE_DAY,
    3: logs.RetentionDays.THREE_DAYS,
    5: logs.RetentionDays.FIVE_DAYS,
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    60: logs.RetentionDays.TWO_MONTHS,
    90: logs.RetentionDays.THREE_MONTHS,
    120: logs.RetentionDays.FOUR_MONTHS,
    150: logs.RetentionDays.FIVE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
    400: logs.RetentionDays.THIRTEEN_MONTHS,
    545: logs.RetentionDays.EIGHTEEN_MONTHS,
    731: logs.RetentionDays.TWO_YEARS,
    1096: logs.RetentionDays.THREE_YEARS,
    1827: logs.RetentionDays.FIVE_YEARS,
    2192: logs.RetentionDays.SIX_YEARS,
    2557: logs.RetentionDays.SEVEN_YEARS,
    2922: logs.RetentionDays.EIGHT_YEARS,
    3288: logs.RetentionDays.NINE_YEARS,
    3653: logs.RetentionDays.TEN_YEARS,
}


def retention(days: int) -> logs.RetentionDays:
    """The RetentionDays member for a number of days Settings has already validated."""
    return _RETENTION[days]


class StepFunction(Construct):
    """One step's Lambda function (functions/<name>/handler.py), its log group and its role."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name: str,
        description: str,
        settings: Settings,
        bucket: s3.IBucket,
        layers: Sequence[lambda_.ILayerVersion],
        environment: Mapping[str, str] | None = None,
        role_name: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        sizing = settings.sizing(name)
        self.log_group = logs.LogGroup(self, "Logs", retention=retention(settings.log_retention_days))
        self.role = iam.Role(
            self,
            "Role",
            role_name=role_name,
            description=f"orgsweep {name} Lambda",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        )
        # The log group exists (created above), so the function never needs logs:CreateLogGroup.
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[self.log_group.log_group_arn]
            )
        )
        service = f"orgsweep-{name.replace('_', '-')}"
        self.function = lambda_.Function(
            self,
            "Function",
            description=description,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler="handler.handler",
            code=lambda_.Code.from_asset(str(FUNCTIONS_DIR / name), exclude=list(ASSET_EXCLUDES)),
            layers=list(layers),
            role=self.role,
            tracing=lambda_.Tracing.ACTIVE,
            log_group=self.log_group,
            memory_size=sizing.memory_mb,
            timeout=Duration.seconds(sizing.timeout_s),
            environment={
                "ORGSWEEP_BUCKET": bucket.bucket_name,
                "ORGSWEEP_PREFIX": "",
                "POWERTOOLS_SERVICE_NAME": service,
                "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
                "LOG_LEVEL": settings.log_level,
                **(environment or {}),
            },
        )

        suppress(
            self.function,
            "AwsSolutions-L1",
            "Pinned to python3.12 because the dependency layers are built from cp312 aarch64 wheels "
            "(infra.layers.specs.LAMBDA_TARGET); the runtime and that build target must move together.",
        )

    def allow(self, actions: Sequence[str], resources: Sequence[str], **conditions: Mapping[str, object]) -> None:
        """Add one statement to this step's role. `conditions` maps an operator to its keys and values."""
        self.role.add_to_principal_policy(
            iam.PolicyStatement(actions=list(actions), resources=list(resources), conditions=dict(conditions) or None)
        )


__all__ = ["METRICS_NAMESPACE", "StepFunction", "retention"]
