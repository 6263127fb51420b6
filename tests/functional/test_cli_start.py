"""`orgsweep start` against Step Functions in moto (small stand-in workflows; the real one is in e2e)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from orgsweep_local.cli.app import run
from orgsweep_local.cli.watch import progress_of

pytestmark = pytest.mark.functional

ROLE = "arn:aws:iam::123456789012:role/sfn"
SUMMARY = {
    "format": "orgsweep.summary/1",
    "run_id": "start-1",
    "cells": {"total": 2, "by_status": {"ok": 1, "partial": 1}, "by_outcome": {"output": 2}},
    "coverage_rows_by_status": {"ok": 31, "access_denied": 1},
    "findings": {"total": 1, "by_check": {"eip-unassociated": {"findings": 1, "flagged": 1, "insufficient_data": 0,
                                                               "monthly_cost_usd": 3.65}}},
    "inventory": {"total": 4, "by_resource_type": {}},
    "estimated_monthly_cost_usd": {"total": 3.65, "by_check": {}, "by_account": {}},
    "top_findings_by_cost": [],
    "api": {"api_calls": 40, "throttles": 0, "retries": 0},
    "duration": {"wall_s": 3.0},
}


def _state_machine(name: str, state: dict[str, Any]) -> str:
    definition = {"StartAt": "Only", "States": {"Only": state}}
    arn: str = boto3.client("stepfunctions", region_name="us-east-1").create_state_machine(
        name=name, definition=json.dumps(definition), roleArn=ROLE
    )["stateMachineArn"]
    return arn


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_start_passes_the_input_and_names_the_execution_after_the_run(
    aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = _state_machine("orgsweep", {"Type": "Pass", "End": True})
    code, out, err = cli(
        capsys, "start", "--state-machine", arn, "--run-id", "start-0", "--region", "eu-west-1",
        "--param", "ec2-instance-idle.cpu_pct=5",
    )
    assert code == 0, err
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    (execution,) = sfn.list_executions(stateMachineArn=arn)["executions"]
    assert execution["name"] == "start-0" and "start-0" in out
    started = json.loads(sfn.describe_execution(executionArn=execution["executionArn"])["input"])
    # Only what was given (plus the run id): the deployment's defaults fill in the rest.
    assert started == {"run_id": "start-0", "regions": {"include": ["eu-west-1"]},
                       "checks": {"params": {"ec2-instance-idle": {"cpu_pct": 5}}}}


def test_start_wait_prints_the_summary_from_the_stack_bucket(aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    arn = _state_machine("orgsweep-wait", {"Type": "Pass", "End": True})
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="hub-results")
    s3.put_object(Bucket="hub-results", Key="runs/start-1/summary.json", Body=json.dumps(SUMMARY).encode())
    template = {
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {"StateMachineArn": {"Value": arn}, "ResultsBucketName": {"Value": "hub-results"}},
    }
    boto3.client("cloudformation", region_name="us-east-1").create_stack(
        StackName="OrgSweepHub", TemplateBody=json.dumps(template)
    )
    code, out, err = cli(capsys, "start", "--stack", "OrgSweepHub", "--run-id", "start-1", "--wait",
                         "--poll-seconds", "0.1")
    assert code == 3, err  # one cell is partial
    assert "Run start-1: 2 cells" in out and "eip-unassociated" in out and "Some cells are not ok" in out
    assert "orgsweep query top_idle_by_cost --bucket hub-results" in out


def test_start_wait_reports_a_failed_execution(aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    arn = _state_machine("orgsweep-fail", {"Type": "Fail", "Error": "PlanError", "Cause": "no cell to scan"})
    code, _, err = cli(capsys, "start", "--state-machine", arn, "--wait", "--poll-seconds", "0.1")
    assert code == 1
    (line,) = err.strip().splitlines()
    assert line.startswith("error: execution FAILED") and "PlanError" in line and "no cell to scan" in line


def test_start_validates_input_before_calling_aws(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "start", "--state-machine", "arn:aws:states:us-east-1:123456789012:stateMachine:x",
                       "--check", "nope")
    assert code == 2 and err.startswith("error: checks.include[0]: unknown check id 'nope'")
    code, _, err = cli(capsys, "start", "--stack", "S", "--state-machine", "arn:aws:states:::stateMachine:x")
    assert code == 2 and "exactly one of --state-machine ARN or --stack NAME" in err


def test_map_run_progress_counts_finished_items() -> None:
    progress = progress_of("RUNNING", {"total": 10, "succeeded": 4, "failed": 1, "timedOut": 1, "running": 3})
    assert (progress.items_total, progress.items_done) == (10, 6)
