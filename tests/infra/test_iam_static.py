"""Static IAM proof for the roles moto cannot enforce: the state machine's and the Scheduler's.

Every resource the state machine definition touches (each Lambda task, the Distributed Map's
ItemReader, ResultWriter and child executions), its logging and tracing, and the schedule's
target and dead-letter queue must be allowed by the role's own policies. The evaluator is
shown to catch a removed statement or action on a copy of the template.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.infra.iam_static import (
    Access,
    UnsupportedPolicyError,
    allows,
    identity_statements,
    missing,
    schedule_requirements,
    state_machine_requirements,
)
from tests.infra.templates import function_by_service, one, resources

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("cdk")]

TEMPLATES = ["hub", "hub_all_options"]


def _machine(template: dict[str, Any]) -> tuple[str, list[Access]]:
    machine_id, _ = one(template, "AWS::StepFunctions::StateMachine")
    return state_machine_requirements(template, machine_id)


def _scheduler(template: dict[str, Any]) -> tuple[str, list[Access]]:
    schedule_id, _ = one(template, "AWS::Scheduler::Schedule")
    return schedule_requirements(template, schedule_id)


@pytest.mark.parametrize("which", TEMPLATES)
def test_the_state_machine_role_allows_everything_its_definition_touches(
    which: str, request: pytest.FixtureRequest
) -> None:
    template = request.getfixturevalue(which)
    role_id, required = _machine(template)
    assert missing(template, role_id, required) == []
    # what was derived from the definition: every function, the reader's and writer's objects, the children
    invoked = {a.resource.rsplit(":", 1)[-1] for a in required if a.action == "lambda:InvokeFunction"}
    services = ("orgsweep-plan", "orgsweep-scan-cell", "orgsweep-aggregate")
    assert invoked == {function_by_service(template, service)[0] for service in services}
    actions = {a.action for a in required}
    assert {"s3:GetObject", "s3:PutObject", "states:StartExecution", "states:DescribeExecution"} <= actions
    assert {"states:StopExecution", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"} <= actions
    reads = [a.resource for a in required if a.action == "s3:GetObject" and "/manifests/" in a.resource]
    assert reads and all(r.endswith("/cells.json") for r in reads)
    writes = [a.resource for a in required if a.action == "s3:PutObject"]
    assert writes and all("/results/" in w for w in writes)


@pytest.mark.parametrize("which", TEMPLATES)
def test_the_scheduler_role_may_start_the_machine_and_dead_letter(which: str, request: pytest.FixtureRequest) -> None:
    template = request.getfixturevalue(which)
    role_id, required = _scheduler(template)
    assert {a.action for a in required} == {"states:StartExecution", "sqs:SendMessage"}
    machine_id, _ = one(template, "AWS::StepFunctions::StateMachine")
    queue_id, _ = one(template, "AWS::SQS::Queue")
    assert {a.resource.rsplit(":", 1)[-1] for a in required} == {machine_id, queue_id}
    assert missing(template, role_id, required) == []


def _without_statement(template: dict[str, Any], policy_id: str, index: int) -> dict[str, Any]:
    mutated = copy.deepcopy(template)
    resource = mutated["Resources"][policy_id]
    del resource["Properties"]["PolicyDocument"]["Statement"][index]
    return mutated


def _without_action(template: dict[str, Any], role_id: str, action: str) -> dict[str, Any]:
    mutated = copy.deepcopy(template)
    for policy_id, _, _ in list(identity_statements(template, role_id)):
        statements = mutated["Resources"][policy_id]["Properties"]["PolicyDocument"]["Statement"]
        for statement in statements:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            statement["Action"] = [a for a in actions if a != action]
        statements[:] = [s for s in statements if s["Action"]]
    return mutated


@pytest.mark.parametrize("requirements", [_machine, _scheduler], ids=["state-machine", "scheduler"])
def test_removing_any_statement_of_the_role_is_caught(hub: dict[str, Any], requirements: Any) -> None:
    role_id, required = requirements(hub)
    statements = list(identity_statements(hub, role_id))
    assert statements
    for policy_id, index, statement in statements:
        lost = missing(_without_statement(hub, policy_id, index), role_id, required)
        assert lost, f"removing {policy_id} statement {index} ({statement['Action']}) went unnoticed"


@pytest.mark.parametrize("requirements", [_machine, _scheduler], ids=["state-machine", "scheduler"])
def test_removing_any_required_action_is_caught(hub: dict[str, Any], requirements: Any) -> None:
    role_id, required = requirements(hub)
    for access in required:
        lost = missing(_without_action(hub, role_id, access.action), role_id, required)
        assert access in lost, f"{access.action} on {access.resource} ({access.why}) still allowed without it"


def test_the_evaluator_matches_like_iam() -> None:
    def template_with(statement: dict[str, Any]) -> dict[str, Any]:
        return {
            "Resources": {
                "R": {"Type": "AWS::IAM::Role", "Properties": {}},
                "P": {
                    "Type": "AWS::IAM::Policy",
                    "Properties": {"Roles": [{"Ref": "R"}], "PolicyDocument": {"Statement": [statement]}},
                },
            }
        }

    allow = {"Effect": "Allow", "Action": "S3:Get*", "Resource": "arn:aws:s3:::b/manifests/*"}
    assert allows(template_with(allow), "R", Access("s3:GetObject", "arn:aws:s3:::b/manifests/r/cells.json", ""))
    assert not allows(template_with(allow), "R", Access("s3:PutObject", "arn:aws:s3:::b/manifests/x", ""))
    assert not allows(template_with(allow), "R", Access("s3:GetObject", "arn:aws:s3:::b/Manifests/x", ""))
    conditional = {**allow, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}
    assert not allows(template_with(conditional), "R", Access("s3:GetObject", "arn:aws:s3:::b/manifests/x", ""))
    with pytest.raises(UnsupportedPolicyError):
        allows(template_with({**allow, "Effect": "Deny"}), "R", Access("s3:GetObject", "arn:aws:s3:::b/x", ""))


def _identity_policy_statements(template: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    for logical_id, resource in template["Resources"].items():
        props = resource.get("Properties", {})
        if resource["Type"] in {"AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"}:
            found += [(logical_id, s) for s in props["PolicyDocument"]["Statement"]]
        if resource["Type"] == "AWS::IAM::Role":
            found += [(logical_id, s) for p in props.get("Policies", []) for s in p["PolicyDocument"]["Statement"]]
    return found


@pytest.mark.parametrize("which", ["hub", "member", "hub_all_options"])
def test_no_identity_policy_grants_every_action_of_a_service(which: str, request: pytest.FixtureRequest) -> None:
    template = request.getfixturevalue(which)
    statements = _identity_policy_statements(template)
    assert statements
    for logical_id, statement in statements:
        assert "NotAction" not in statement, logical_id
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        for action in actions:
            assert action != "*" and not action.endswith(":*"), f"{logical_id} grants {action}"
    assert resources(template, "AWS::IAM::Policy")
