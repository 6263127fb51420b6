"""The state machine: Plan -> Sweep (Distributed Map over the manifest) -> Aggregate.

    Plan ──> Sweep ──────────────┬──> Aggregate ──> Sweep failed? ──no──> Done
              │ (Catch States.ALL)│                       └──yes──> SweepFailed (Fail)
              └───────────────────┘
A Sweep that fails (e.g. more cells failed than ToleratedFailurePercentage) is caught, the
cells that did finish are still aggregated - a cell that crashed gets a coverage row from
the ResultWriter FAILED files - and the execution then fails with the Map's own error.
Payloads stay tiny: the manifest and every cell's output live in S3.
"""

from __future__ import annotations

import json

from aws_cdk import Aws, Duration, Fn, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from infra.constructs.step_function import retention
from infra.nag import arn_finding, logical_id, suppress
from infra.settings import Settings

JsonPath = sfn.JsonPath

#: Lambda errors worth retrying (service-side or throttling); a handler exception is not one of them.
RETRIED_LAMBDA_ERRORS: tuple[str, ...] = (
    "Lambda.AWSLambdaException",
    "Lambda.ClientExecutionTimeoutException",
    "Lambda.SdkClientException",
    "Lambda.ServiceException",
    "Lambda.TooManyRequestsException",
)
EXECUTION_TIMEOUT = Duration.hours(12)


def add_lambda_retry(task: tasks.LambdaInvoke) -> None:
    """Retry Lambda service errors and throttles: 2 s, x2 backoff, full jitter, at most 60 s apart, 6 attempts."""
    task.add_retry(
        errors=list(RETRIED_LAMBDA_ERRORS),
        interval=Duration.seconds(2),
        backoff_rate=2.0,
        max_attempts=6,
        max_delay=Duration.seconds(60),
        jitter_strategy=sfn.JitterType.FULL,
    )


RESULTS_PREFIX = "results"
#: The vendedlogs prefix keeps the CloudWatch Logs resource policy for log delivery small.
LOG_GROUP_PREFIX = "/aws/vendedlogs/states/"


def workflow_log_group_name(stack_name: str) -> str:
    """`/aws/vendedlogs/states/<stack>-workflow-<stack id uuid>`: unique per stack, never reused.

    Log groups are retained (history outlives the stack), so a fixed name would survive a
    rolled-back first deploy or a `cdk destroy` and make the next create fail with "already
    exists". The last part of the stack id (arn:...:stack/<name>/<uuid>) is new for every
    created stack and stable across its updates.
    """
    stack_uuid = Fn.select(2, Fn.split("/", Aws.STACK_ID))
    return f"{LOG_GROUP_PREFIX}{stack_name}-workflow-{stack_uuid}"


class Workflow(Construct):
    """The Standard state machine that runs one scan."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: Settings,
        bucket: s3.IBucket,
        plan: lambda_.IFunction,
        scan_cell: lambda_.IFunction,
        aggregate: lambda_.IFunction,
    ) -> None:
        super().__init__(scope, construct_id)
        plan_task = tasks.LambdaInvoke(
            self,
            "Plan",
            lambda_function=plan,
            comment="Validate the input, list accounts and regions, write manifests/<run_id>/cells.json",
            result_selector={
                "run_id": JsonPath.string_at("$.Payload.run_id"),
                "manifest": JsonPath.object_at("$.Payload.manifest"),
                "cell_count": JsonPath.number_at("$.Payload.cell_count"),
                "run": JsonPath.object_at("$.Payload.run"),
            },
            result_path="$.plan",
            retry_on_service_exceptions=False,
        )

        scan_task = tasks.LambdaInvoke(
            self,
            "ScanCell",
            lambda_function=scan_cell,
            comment="Scan one (account, region); the findings go to S3, the output is counts only",
            retry_on_service_exceptions=False,  # replaced by add_lambda_retry (jittered, throttles too)
            output_path="$.Payload",
        )

        sweep = sfn.DistributedMap(
            self,
            "Sweep",
            comment="One child execution per (account, region) cell of the manifest",
            label="Sweep",
            map_execution_type=sfn.StateMachineType.STANDARD,
            item_reader=sfn.S3JsonItemReader(bucket=bucket, key=JsonPath.string_at("$.plan.manifest.key")),
            item_selector={
                "cell": JsonPath.object_at("$$.Map.Item.Value"),
                "run": JsonPath.object_at("$.plan.run"),
            },
            max_concurrency=settings.map_max_concurrency,
            tolerated_failure_percentage=settings.tolerated_failure_percentage,
            # results/<run_id>/<map run id>/{manifest.json,SUCCEEDED_n.json,FAILED_n.json,PENDING_n.json}
            result_writer_v2=sfn.ResultWriterV2(
                bucket=bucket,
                prefix=JsonPath.format(f"{RESULTS_PREFIX}/{{}}", JsonPath.string_at("$.plan.run_id")),
            ),
            result_path="$.sweep",  # {MapRunArn, ResultWriterDetails: {Bucket, Key}}
        )
        sweep.item_processor(scan_task)

        aggregate_task = tasks.LambdaInvoke(
            self,
            "Aggregate",
            lambda_function=aggregate,
            comment="Cells' raw outputs and the Map's FAILED files -> Parquet tables and runs/<run_id>/summary.json",
            payload=sfn.TaskInput.from_object(
                {"run_id": JsonPath.string_at("$.plan.run_id"), "manifest": JsonPath.object_at("$.plan.manifest")}
            ),
            result_selector={"summary": JsonPath.object_at("$.Payload")},
            result_path="$.aggregate",
            retry_on_service_exceptions=False,
        )
        for task in (plan_task, scan_task, aggregate_task):
            add_lambda_retry(task)
        sweep.add_catch(aggregate_task, errors=["States.ALL"], result_path="$.sweep_error")

        failed = sfn.Fail(
            self,
            "SweepFailed",
            comment="The Sweep failed (its error and cause are passed on) after what finished was aggregated",
            error_path="$.sweep_error.Error",
            cause_path="$.sweep_error.Cause",
        )
        done = sfn.Succeed(self, "Done", output_path="$.aggregate.summary")
        verdict = (
            sfn.Choice(self, "SweepSucceeded").when(sfn.Condition.is_present("$.sweep_error"), failed).otherwise(done)
        )
        definition = plan_task.next(sweep).next(aggregate_task).next(verdict)

        self.log_group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=workflow_log_group_name(Stack.of(self).stack_name),
            retention=retention(settings.log_retention_days),
        )
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            comment="orgsweep: find idle AWS resources across the organization",
            definition_body=sfn.DefinitionBody.from_chainable(definition),
            state_machine_type=sfn.StateMachineType.STANDARD,
            timeout=EXECUTION_TIMEOUT,
            tracing_enabled=True,
            logs=sfn.LogOptions(destination=self.log_group, level=sfn.LogLevel.ALL, include_execution_data=False),
        )
        self._acknowledge_generated_grants(bucket, [plan, scan_cell, aggregate])

    def _acknowledge_generated_grants(self, bucket: s3.IBucket, functions: list[lambda_.IFunction]) -> None:
        """The state machine role's statements are generated by CDK from the states; explain each wildcard."""
        machine = logical_id(self.state_machine)
        executions = json.dumps({"Fn::Select": [6, {"Fn::Split": [":", {"Ref": machine}]}]}, separators=(",", ":"))
        execution_arn = f"Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{executions}"
        suppress(
            self.state_machine,
            "AwsSolutions-IAM5",
            "Generated by CDK for the Lambda tasks: invoking a function's versions and aliases (<arn>:*) "
            "is how lambda:invoke tasks are granted; only the three orgsweep functions are named.",
            findings=[arn_finding(function, ":*") for function in functions],
        )
        suppress(
            self.state_machine,
            "AwsSolutions-IAM5",
            "Generated by CDK for the Distributed Map: the ItemReader reads manifests/<run_id>/cells.json and "
            "the ResultWriter writes results/<run_id>/... of the results bucket, whose keys depend on the run.",
            findings=[f"Resource::arn:<AWS::Partition>:s3:::<{logical_id(bucket)}>/*"],
        )
        suppress(
            self.state_machine,
            "AwsSolutions-IAM5",
            "Generated by CDK for the Distributed Map: the machine starts, describes, stops and redrives its "
            "own child executions, whose names are only known at run time.",
            findings=[f"{execution_arn}:*", f"{execution_arn}/Sweep:*"],
        )
        suppress(
            self.state_machine,
            "AwsSolutions-IAM5",
            "CloudWatch Logs delivery (vended logs) and X-Ray trace APIs do not support resource-level "
            "permissions; CDK grants them on '*' for state machine logging and tracing.",
            findings=["Resource::*"],
        )


__all__ = [
    "EXECUTION_TIMEOUT",
    "LOG_GROUP_PREFIX",
    "RESULTS_PREFIX",
    "RETRIED_LAMBDA_ERRORS",
    "Workflow",
    "workflow_log_group_name",
]
