"""The state machine as synthesized: Plan -> Distributed Map Sweep -> Aggregate, with the settings' numbers."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from infra.constructs.workflow import RETRIED_LAMBDA_ERRORS
from infra.settings import Settings
from tests.infra.templates import function_by_service, one, placeholder, resources, state_machine_definition

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("cdk")]


@pytest.fixture(scope="module")
def definition(hub: dict[str, Any]) -> dict[str, Any]:
    return state_machine_definition(hub)


def _bucket(hub: dict[str, Any]) -> str:
    buckets = resources(hub, "AWS::S3::Bucket")
    (bucket_id,) = [k for k, v in buckets.items() if "LoggingConfiguration" in v["Properties"]]
    return placeholder(hub, bucket_id)


def test_the_states_and_their_order(definition: dict[str, Any]) -> None:
    states = definition["States"]
    assert definition["StartAt"] == "Plan"
    assert states["Plan"]["Next"] == "Sweep"
    assert states["Sweep"]["Next"] == "Aggregate"
    assert states["Aggregate"]["Next"] == "SweepSucceeded"
    choice = states["SweepSucceeded"]
    assert choice["Type"] == "Choice"
    assert choice["Choices"] == [{"Variable": "$.sweep_error", "IsPresent": True, "Next": "SweepFailed"}]
    assert choice["Default"] == "Done"
    failed = {k: v for k, v in states["SweepFailed"].items() if k != "Comment"}
    assert failed == {"Type": "Fail", "ErrorPath": "$.sweep_error.Error", "CausePath": "$.sweep_error.Cause"}
    assert states["Done"] == {"Type": "Succeed", "OutputPath": "$.aggregate.summary"}


def test_plan_keeps_only_what_the_map_and_aggregate_need(definition: dict[str, Any], hub: dict[str, Any]) -> None:
    plan = definition["States"]["Plan"]
    plan_id, _ = function_by_service(hub, "orgsweep-plan")
    assert plan["Resource"] == "arn:aws:states:::lambda:invoke"
    assert plan["Parameters"] == {"FunctionName": placeholder(hub, plan_id, "Arn"), "Payload.$": "$"}
    assert plan["ResultPath"] == "$.plan"
    assert plan["ResultSelector"] == {
        "run_id.$": "$.Payload.run_id",
        "manifest.$": "$.Payload.manifest",
        "cell_count.$": "$.Payload.cell_count",
        "run.$": "$.Payload.run",
    }


def test_the_sweep_is_a_distributed_map_over_the_manifest_in_s3(
    definition: dict[str, Any], hub: dict[str, Any], settings: Settings
) -> None:
    sweep = definition["States"]["Sweep"]
    assert sweep["Type"] == "Map"
    assert sweep["ItemProcessor"]["ProcessorConfig"] == {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}
    assert sweep["ItemReader"] == {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "JSON"},
        "Parameters": {"Bucket": _bucket(hub), "Key.$": "$.plan.manifest.key"},
    }
    assert sweep["ItemSelector"] == {"cell.$": "$$.Map.Item.Value", "run.$": "$.plan.run"}
    assert sweep["MaxConcurrency"] == settings.map_max_concurrency
    if settings.tolerated_failure_percentage:
        assert sweep["ToleratedFailurePercentage"] == settings.tolerated_failure_percentage
    else:  # 0 is the service default and CDK omits it
        assert "ToleratedFailurePercentage" not in sweep
    assert sweep["Label"] == "Sweep"
    assert sweep["ResultPath"] == "$.sweep"


def test_the_map_writes_its_results_under_the_run(definition: dict[str, Any], hub: dict[str, Any]) -> None:
    assert definition["States"]["Sweep"]["ResultWriter"] == {
        "Resource": "arn:aws:states:::s3:putObject",
        "Parameters": {"Bucket": _bucket(hub), "Prefix.$": "States.Format('results/{}', $.plan.run_id)"},
    }


def test_each_cell_runs_scan_cell_with_jittered_retries(definition: dict[str, Any], hub: dict[str, Any]) -> None:
    processor = definition["States"]["Sweep"]["ItemProcessor"]
    assert processor["StartAt"] == "ScanCell"
    scan = processor["States"]["ScanCell"]
    scan_id, _ = function_by_service(hub, "orgsweep-scan-cell")
    assert scan["Parameters"] == {"FunctionName": placeholder(hub, scan_id, "Arn"), "Payload.$": "$"}
    assert scan["OutputPath"] == "$.Payload"
    assert scan["End"] is True
    assert scan["Retry"] == [
        {
            "ErrorEquals": list(RETRIED_LAMBDA_ERRORS),
            "IntervalSeconds": 2,
            "MaxAttempts": 6,
            "BackoffRate": 2,
            "MaxDelaySeconds": 60,
            "JitterStrategy": "FULL",
        }
    ]
    assert "Lambda.TooManyRequestsException" in RETRIED_LAMBDA_ERRORS
    assert "States.ALL" not in RETRIED_LAMBDA_ERRORS and "States.TaskFailed" not in RETRIED_LAMBDA_ERRORS


def test_a_failed_sweep_is_still_aggregated_then_fails(definition: dict[str, Any]) -> None:
    sweep = definition["States"]["Sweep"]
    assert sweep["Catch"] == [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.sweep_error", "Next": "Aggregate"}]


def test_aggregate_gets_the_run_id_and_the_manifest_only(definition: dict[str, Any], hub: dict[str, Any]) -> None:
    aggregate = definition["States"]["Aggregate"]
    aggregate_id, _ = function_by_service(hub, "orgsweep-aggregate")
    assert aggregate["Parameters"] == {
        "FunctionName": placeholder(hub, aggregate_id, "Arn"),
        "Payload": {"run_id.$": "$.plan.run_id", "manifest.$": "$.plan.manifest"},
    }
    assert aggregate["ResultPath"] == "$.aggregate"
    assert aggregate["ResultSelector"] == {"summary.$": "$.Payload"}
    for name in ("Plan", "Aggregate"):
        (retry,) = definition["States"][name]["Retry"]
        assert retry["JitterStrategy"] == "FULL" and retry["ErrorEquals"] == list(RETRIED_LAMBDA_ERRORS)


def test_the_machine_is_standard_logged_and_traced(hub: dict[str, Any], definition: dict[str, Any]) -> None:
    template = Template.from_json(hub)
    template.has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        {
            "StateMachineType": "STANDARD",
            "TracingConfiguration": {"Enabled": True},
            "LoggingConfiguration": {
                "Level": "ALL",
                "IncludeExecutionData": False,
                "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": Match.any_value()}}],
            },
        },
    )
    assert definition["TimeoutSeconds"] == 12 * 3600
    _, machine = one(hub, "AWS::StepFunctions::StateMachine")
    log_ref = machine["Properties"]["LoggingConfiguration"]["Destinations"][0]["CloudWatchLogsLogGroup"]
    log_group = hub["Resources"][log_ref["LogGroupArn"]["Fn::GetAtt"][0]]["Properties"]
    # unique per stack (test_physical_names): the vendedlogs prefix, then a part from the stack id
    assert log_group["LogGroupName"]["Fn::Join"][1][0].startswith("/aws/vendedlogs/states/")


def test_outputs_name_the_machine_and_the_bucket(hub: dict[str, Any]) -> None:
    machine_id, _ = one(hub, "AWS::StepFunctions::StateMachine")
    outputs = hub["Outputs"]
    assert outputs["StateMachineArn"]["Value"] == {"Ref": machine_id}
    assert outputs["ResultsBucketName"]["Value"]["Ref"] in resources(hub, "AWS::S3::Bucket")
    assert {"ScanRoleArn", "AthenaWorkGroup", "GlueDatabase", "AlarmTopicArn"} <= set(outputs)
