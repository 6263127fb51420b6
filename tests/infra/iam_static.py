"""A small static IAM evaluator over a synthesized template, for the roles moto cannot put under test.

moto's Step Functions interpreter calls Lambda and S3 with its own fixed credentials, and moto
does not run EventBridge Scheduler: the state machine's role and the Scheduler's role are
never exercised by the e2e tests. Here every AWS resource the state machine definition (and
the schedule target) touches becomes a required (action, resource ARN) and is evaluated
against the role's identity policies: Allow statements only (a Deny, NotAction or
NotResource stops the evaluation: none is expected), action patterns matched
case-insensitively, resource patterns case-sensitively with IAM's `*` / `?`, and a statement
with a Condition is not counted as a grant. Intrinsics resolve to ARN-shaped placeholders
named after the logical ids they reference, so the policies and the definition compare.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from orgsweep.aws.iam_patterns import iam_pattern
from orgsweep.storage.layout import manifest_key
from tests.infra.templates import ACCOUNT, PARTITION, REGION
from tests.infra.templates import resolve as resolve_with

#: Values only known at run time, as the workflow would see them.
SAMPLE_RUN_ID = "20260101T000000Z-abc123"
SAMPLE_EXECUTION = "sample-execution"
SAMPLE_MAP_RUN = "0f1e2d3c-4b5a-4697-8877-665544332211"
#: Where the ItemReader's `Key.$` paths point at run time (the plan step writes the manifest there).
RUNTIME_KEYS = {"$.plan.manifest.key": manifest_key(SAMPLE_RUN_ID)}
RUNTIME_VALUES = {"$.plan.run_id": SAMPLE_RUN_ID}

LOGS_DELIVERY = (
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
)
XRAY = ("xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets")
#: AWS "IAM policies for Distributed Map states": S3 actions of a ResultWriter on the objects it writes.
RESULT_WRITER_ACTIONS = ("s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload")


class UnsupportedPolicyError(AssertionError):
    """A policy or definition shape this evaluator does not model (decide, then extend it)."""


@dataclass(frozen=True)
class Access:
    """One call a role must be allowed to make, and why."""

    action: str
    resource: str
    why: str


def _placeholder(template: dict[str, Any], logical_id: str, attribute: str | None) -> str:
    type_ = template["Resources"][logical_id]["Type"]
    region = f"{REGION}:{ACCOUNT}"
    arns = {
        "AWS::Lambda::Function": f"arn:{PARTITION}:lambda:{region}:function:{logical_id}",
        "AWS::S3::Bucket": f"arn:{PARTITION}:s3:::{logical_id.lower()}",
        "AWS::StepFunctions::StateMachine": f"arn:{PARTITION}:states:{region}:stateMachine:{logical_id}",
        "AWS::SQS::Queue": f"arn:{PARTITION}:sqs:{region}:{logical_id}",
        "AWS::IAM::Role": f"arn:{PARTITION}:iam::{ACCOUNT}:role/{logical_id}",
        "AWS::Logs::LogGroup": f"arn:{PARTITION}:logs:{region}:log-group:{logical_id}:*",
        "AWS::SNS::Topic": f"arn:{PARTITION}:sns:{region}:{logical_id}",
    }
    refs_are_arns = {"AWS::StepFunctions::StateMachine", "AWS::SNS::Topic"}
    if attribute == "Arn" or (attribute is None and type_ in refs_are_arns):
        return arns.get(type_, f"{logical_id}.Arn")
    if type_ == "AWS::S3::Bucket" and attribute is None:
        return logical_id.lower()
    return f"{logical_id}.{attribute}" if attribute else logical_id


def resolve(template: dict[str, Any], value: Any) -> Any:
    """templates.resolve with ARN-shaped placeholders (a statement's Resource compares as AWS would)."""
    return resolve_with(template, value, _placeholder)


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def identity_statements(template: dict[str, Any], role_id: str) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """(policy logical id, index, statement) of every identity policy attached to the role."""
    role = template["Resources"][role_id]
    if role["Properties"].get("ManagedPolicyArns"):
        raise UnsupportedPolicyError(f"{role_id} has managed policies, which this evaluator cannot read")
    for index, policy in enumerate(role["Properties"].get("Policies", [])):
        for number, statement in enumerate(policy["PolicyDocument"]["Statement"]):
            yield f"{role_id}.Policies[{index}]", number, statement
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] in {"AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"} and {"Ref": role_id} in resource[
            "Properties"
        ].get("Roles", []):
            for number, statement in enumerate(resource["Properties"]["PolicyDocument"]["Statement"]):
                yield logical_id, number, statement


def allows(template: dict[str, Any], role_id: str, access: Access) -> bool:
    """Whether an unconditional Allow statement of the role matches the access's action and resource."""
    for policy_id, _, statement in identity_statements(template, role_id):
        if statement.get("Effect") != "Allow" or {"NotAction", "NotResource"} & set(statement):
            raise UnsupportedPolicyError(f"{policy_id}: only Allow with Action and Resource is modelled: {statement}")
        if "Condition" in statement:
            continue
        actions = _listed(statement["Action"])
        resources = [str(resolve(template, r)) for r in _listed(statement["Resource"])]
        if any(iam_pattern(a, ignore_case=True).fullmatch(access.action) for a in actions) and any(
            iam_pattern(r, ignore_case=False).fullmatch(access.resource) for r in resources
        ):
            return True
    return False


def missing(template: dict[str, Any], role_id: str, required: list[Access]) -> list[Access]:
    return [access for access in required if not allows(template, role_id, access)]


def _states(container: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every state of a definition, inside Map processors and Parallel branches too."""
    for state in container.get("States", {}).values():
        yield state
        for nested in (state.get("ItemProcessor"), state.get("Iterator"), *state.get("Branches", [])):
            if nested:
                yield from _states(nested)


def _runtime(parameters: dict[str, Any], name: str, samples: dict[str, str]) -> str:
    """A parameter's value, or for `<name>.$` the sample of what its path or States.Format yields."""
    if name in parameters:
        return str(parameters[name])
    path = parameters[f"{name}.$"]
    formatted = re.fullmatch(r"States\.Format\('([^']*)',\s*(\$[^)]*)\)", path)
    if formatted:
        return formatted[1].replace("{}", samples[formatted[2].strip()], 1)
    if path not in samples:
        raise UnsupportedPolicyError(f"no sample value for {name}.$ = {path}: add one to RUNTIME_KEYS / RUNTIME_VALUES")
    return samples[path]


def _task(state: dict[str, Any]) -> list[Access]:
    resource, parameters = state["Resource"], state.get("Parameters", {})
    if re.fullmatch(r"arn:[\w-]+:states:::lambda:invoke(\.waitForTaskToken)?", resource):
        function = parameters["FunctionName"]  # a literal ARN: `FunctionName.$` would need a runtime sample
        return [Access("lambda:InvokeFunction", function, f"task invokes {function.rsplit(':', 1)[-1]}")]
    if resource.startswith(f"arn:{PARTITION}:lambda:"):
        return [Access("lambda:InvokeFunction", resource, "task invokes a function by ARN")]
    raise UnsupportedPolicyError(f"task integration {resource} is not modelled: add its required access")


def _distributed_map(state: dict[str, Any], machine_arn: str) -> list[Access]:
    name = machine_arn.rsplit(":", 1)[-1]
    executions = f"arn:{PARTITION}:states:{REGION}:{ACCOUNT}:execution:{name}"
    label = state.get("Label", "*")
    out = [
        Access("states:StartExecution", machine_arn, "the Distributed Map starts child executions of its machine"),
        Access("states:DescribeExecution", f"{executions}:{SAMPLE_EXECUTION}", "the Map describes its executions"),
        Access("states:StopExecution", f"{executions}:{SAMPLE_EXECUTION}", "the Map stops its executions"),
        Access("states:RedriveExecution", f"{executions}/{label}:{SAMPLE_MAP_RUN}", "a redrive reruns the Map Run"),
    ]
    reader = state.get("ItemReader")
    if reader:
        bucket = _runtime(reader["Parameters"], "Bucket", RUNTIME_VALUES)
        if reader["Resource"].endswith(":s3:getObject"):
            key = _runtime(reader["Parameters"], "Key", RUNTIME_KEYS)
            out.append(Access("s3:GetObject", f"arn:{PARTITION}:s3:::{bucket}/{key}", "the ItemReader reads items"))
        elif reader["Resource"].endswith(":s3:listObjectsV2"):
            out.append(Access("s3:ListBucket", f"arn:{PARTITION}:s3:::{bucket}", "the ItemReader lists objects"))
        else:
            raise UnsupportedPolicyError(f"ItemReader {reader['Resource']} is not modelled")
    writer = state.get("ResultWriter")
    if writer:
        bucket = _runtime(writer["Parameters"], "Bucket", RUNTIME_VALUES)
        prefix = _runtime(writer["Parameters"], "Prefix", RUNTIME_VALUES)
        key = f"{prefix}/{SAMPLE_MAP_RUN}/SUCCEEDED_0.json"
        out += [
            Access(action, f"arn:{PARTITION}:s3:::{bucket}/{key}", "the ResultWriter writes the Map's results")
            for action in RESULT_WRITER_ACTIONS
        ]
    return out


def state_machine_requirements(template: dict[str, Any], machine_id: str) -> tuple[str, list[Access]]:
    """(role logical id, every access the machine's definition, logging and tracing need)."""
    props = template["Resources"][machine_id]["Properties"]
    role_id = props["RoleArn"]["Fn::GetAtt"][0]
    machine_arn = str(resolve(template, {"Ref": machine_id}))
    definition = json.loads(resolve(template, props["DefinitionString"]))
    required: list[Access] = []
    for state in _states(definition):
        if state["Type"] == "Task":
            required += _task(state)
        elif state["Type"] == "Map" and state.get("ItemProcessor", {}).get("ProcessorConfig", {}).get("Mode") == (
            "DISTRIBUTED"
        ):
            required += _distributed_map(state, machine_arn)
    if props.get("LoggingConfiguration", {}).get("Level", "OFF") != "OFF":
        required += [Access(action, "*", "vended log delivery to CloudWatch Logs") for action in LOGS_DELIVERY]
    if props.get("TracingConfiguration", {}).get("Enabled"):
        required += [Access(action, "*", "X-Ray tracing") for action in XRAY]
    return role_id, required


def schedule_requirements(template: dict[str, Any], schedule_id: str) -> tuple[str, list[Access]]:
    """(role logical id, the accesses a Scheduler target needs: start its target, send to its DLQ)."""
    target = template["Resources"][schedule_id]["Properties"]["Target"]
    if "KmsKeyArn" in template["Resources"][schedule_id]["Properties"]:
        raise UnsupportedPolicyError("a schedule encrypted with a customer key also needs kms:Decrypt")
    role_id = target["RoleArn"]["Fn::GetAtt"][0]
    arn = str(resolve(template, target["Arn"]))
    if ":states:" not in arn:
        raise UnsupportedPolicyError(f"schedule target {arn} is not modelled")
    required = [Access("states:StartExecution", arn, "the schedule starts the state machine")]
    if "DeadLetterConfig" in target:
        queue = str(resolve(template, target["DeadLetterConfig"]["Arn"]))
        required.append(Access("sqs:SendMessage", queue, "failed starts go to the dead-letter queue"))
    return role_id, required


__all__ = [
    "Access",
    "UnsupportedPolicyError",
    "allows",
    "identity_statements",
    "missing",
    "resolve",
    "schedule_requirements",
    "state_machine_requirements",
]
