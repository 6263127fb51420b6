"""The demo's in-process Lambda runtime: moto invokes our handler code without Docker."""

from __future__ import annotations

import base64
import io
import json
import os
import zipfile

import boto3
import pytest

from orgsweep_local.cli.watch import wait_for_execution
from orgsweep_local.demo.lambda_runtime import EnvironmentGate, InProcessLambda

pytestmark = pytest.mark.functional

HANDLER = '''
import os

def handler(event, context):
    print("invoked with", event)
    if event.get("fail"):
        raise ValueError("told to fail")
    return {
        "echo": event,
        "colour": os.environ["COLOUR"],
        "function": context.function_name,
        "remaining_ok": context.get_remaining_time_in_millis() > 0,
    }
'''


def _function(name: str = "echo") -> str:
    iam = boto3.client("iam", region_name="us-east-1")
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", HANDLER)
    arn: str = boto3.client("lambda", region_name="us-east-1").create_function(
        FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler", Timeout=30,
        Code={"ZipFile": buffer.getvalue()}, Environment={"Variables": {"COLOUR": "teal"}},
    )["FunctionArn"]
    return arn


def test_a_handler_runs_in_process_with_its_environment_and_logs(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLOUR", raising=False)
    _function()
    client = boto3.client("lambda", region_name="us-east-1")
    with InProcessLambda("http://127.0.0.1:1") as runtime:
        response = client.invoke(FunctionName="echo", Payload=json.dumps({"n": 1}), LogType="Tail")
        assert runtime.invocations == 1 and runtime.errors == 0
    assert "FunctionError" not in response
    assert json.loads(response["Payload"].read()) == {
        "echo": {"n": 1}, "colour": "teal", "function": "echo", "remaining_ok": True,
    }
    assert "invoked with {'n': 1}" in base64.b64decode(response["LogResult"]).decode()
    assert "COLOUR" not in os.environ  # the function's environment is gone after the invocation


def test_a_raised_exception_is_the_lambda_error_step_functions_catches(aws: None) -> None:
    arn = _function("failing")
    definition = {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": arn, "Payload": {"fail": True}},
                "Catch": [{"ErrorEquals": ["ValueError"], "ResultPath": "$.error", "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Pass", "End": True},
        },
    }
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    machine = sfn.create_state_machine(
        name="catcher", definition=json.dumps(definition), roleArn="arn:aws:iam::123456789012:role/sfn"
    )["stateMachineArn"]
    with InProcessLambda("http://127.0.0.1:1") as runtime:
        execution = sfn.start_execution(stateMachineArn=machine, name="catch-1", input="{}")["executionArn"]
        description = wait_for_execution(sfn, execution, poll_s=0.05, timeout_s=30)
        assert runtime.errors == 1
    assert description["status"] == "SUCCEEDED", description
    error = json.loads(description["output"])["error"]
    assert error["Error"] == "ValueError" and "told to fail" in error["Cause"]


def test_environment_gate_lets_one_function_at_a_time_own_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARED", "before")
    gate = EnvironmentGate()
    with gate.entered("a", {"SHARED": "a"}), gate.entered("a", {"SHARED": "a"}):
        assert os.environ["SHARED"] == "a"
    assert os.environ["SHARED"] == "before"
    with gate.entered("b", {"SHARED": "b", "ONLY_B": "1"}):
        assert os.environ["SHARED"] == "b" and os.environ["ONLY_B"] == "1"
    assert os.environ["SHARED"] == "before" and "ONLY_B" not in os.environ
