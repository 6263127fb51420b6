"""A failed first deploy can be redeployed: no fixed-name resource outlives its stack.

CloudFormation deletes what it created when a create rolls back - except resources whose
DeletionPolicy (or UpdateReplacePolicy, on replacement) is Retain. A retained resource with a
fixed physical name makes the next create of the stack fail with "already exists". So every
resource that sets a physical name is either deleted with the stack, or named with the
stack's id, which is new for every created stack.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from infra.constructs.workflow import LOG_GROUP_PREFIX
from infra.settings import Settings
from tests.infra.templates import function_by_service, one, role_of

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("cdk")]

#: The property (dotted path) that sets each type's physical name; these names must be unique.
PHYSICAL_NAME: dict[str, tuple[str, ...]] = {
    "AWS::Athena::WorkGroup": ("Name",),
    "AWS::CloudFormation::StackSet": ("StackSetName",),
    "AWS::CloudWatch::Alarm": ("AlarmName",),
    "AWS::Glue::Database": ("DatabaseInput.Name",),
    "AWS::Glue::Table": ("TableInput.Name",),  # unique within its database
    "AWS::IAM::ManagedPolicy": ("ManagedPolicyName",),
    "AWS::IAM::Role": ("RoleName",),
    "AWS::KMS::Alias": ("AliasName",),
    "AWS::KMS::Key": (),
    "AWS::Lambda::Function": ("FunctionName",),
    "AWS::Lambda::LayerVersion": ("LayerName",),
    "AWS::Logs::LogGroup": ("LogGroupName",),
    "AWS::S3::Bucket": ("BucketName",),
    "AWS::Scheduler::Schedule": ("Name",),
    "AWS::SNS::Topic": ("TopicName",),
    "AWS::SQS::Queue": ("QueueName",),
    "AWS::StepFunctions::StateMachine": ("StateMachineName",),
}
#: Types whose name-like properties cannot collide with a leftover, and why.
NO_UNIQUE_NAME: dict[str, str] = {
    "AWS::Athena::NamedQuery": "named queries are identified by generated ids; names need not be unique",
    "AWS::CDK::Metadata": "not a resource in the account",
    "AWS::IAM::Policy": "an inline policy: PolicyName is scoped to the roles it is attached to",
    "AWS::S3::BucketPolicy": "no name: attached to its bucket",
    "AWS::SNS::Subscription": "no name",
    "AWS::SNS::TopicPolicy": "no name: attached to its topic",
    "AWS::SQS::QueuePolicy": "no name: attached to its queue",
}
DELETED = (None, "Delete")


@dataclass(frozen=True)
class Named:
    logical_id: str
    type_: str
    name: Any
    deletion_policy: str | None
    update_replace_policy: str | None

    @property
    def unique_per_stack(self) -> bool:
        """The name is built from AWS::StackId, which a re-created stack never reuses."""
        return _references_stack_id(self.name)

    @property
    def safe(self) -> bool:
        return self.unique_per_stack or (self.deletion_policy in DELETED and self.update_replace_policy in DELETED)


def _references_stack_id(value: Any) -> bool:
    if isinstance(value, dict):
        return value == {"Ref": "AWS::StackId"} or any(_references_stack_id(v) for v in value.values())
    return isinstance(value, list) and any(_references_stack_id(v) for v in value)


def _get(properties: dict[str, Any], path: str) -> Any:
    value: Any = properties
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def named_resources(template: dict[str, Any]) -> Iterator[Named]:
    for logical_id, resource in template["Resources"].items():
        type_ = resource["Type"]
        if type_ in NO_UNIQUE_NAME:
            continue
        assert type_ in PHYSICAL_NAME, f"{logical_id}: decide whether {type_} has a physical name, then list it"
        for path in PHYSICAL_NAME[type_]:
            name = _get(resource.get("Properties", {}), path)
            if name is not None:
                yield Named(
                    logical_id, type_, name, resource.get("DeletionPolicy"), resource.get("UpdateReplacePolicy")
                )


@pytest.mark.parametrize("which", ["hub", "member", "hub_all_options"])
def test_no_retained_resource_has_a_fixed_name(which: str, request: pytest.FixtureRequest) -> None:
    template = request.getfixturevalue(which)
    unsafe = [n for n in named_resources(template) if not n.safe]
    assert unsafe == [], "retained with a fixed name: a failed create leaves them behind"


def test_the_named_resources_are_the_known_ones(hub_all_options: dict[str, Any], member: dict[str, Any]) -> None:
    # a new named resource is fine when it is safe; this list makes adding one a visible decision
    names = {(n.type_, n.deletion_policy) for n in [*named_resources(hub_all_options), *named_resources(member)]}
    assert names == {
        ("AWS::Logs::LogGroup", "Retain"),  # the state machine's, named with the stack id
        ("AWS::IAM::Role", None),  # orgsweep-scan-cell (hub) and OrgSweepReadOnly (member)
        ("AWS::Glue::Database", None),
        ("AWS::Glue::Table", None),
        ("AWS::Athena::WorkGroup", None),
        ("AWS::CloudFormation::StackSet", None),
    }


def test_the_workflow_log_group_is_retained_and_named_with_the_stack_id(hub: dict[str, Any]) -> None:
    _, machine = one(hub, "AWS::StepFunctions::StateMachine")
    destination = machine["Properties"]["LoggingConfiguration"]["Destinations"][0]["CloudWatchLogsLogGroup"]
    log_group = hub["Resources"][destination["LogGroupArn"]["Fn::GetAtt"][0]]
    assert log_group["DeletionPolicy"] == "Retain"  # execution history outlives the stack
    separator, parts = log_group["Properties"]["LogGroupName"]["Fn::Join"]
    assert separator == ""
    assert parts == [
        f"{LOG_GROUP_PREFIX}OrgSweep-workflow-",
        {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]},
    ]


def test_the_scan_role_keeps_its_fixed_name_and_is_deleted_on_rollback(hub: dict[str, Any], settings: Settings) -> None:
    # Member roles trust the scan role by name, so the name stays fixed; CloudFormation deletes the
    # role when a create rolls back (no DeletionPolicy = Delete), so a redeploy can create it again.
    _, function = function_by_service(hub, "orgsweep-scan-cell")
    role = hub["Resources"][role_of(function)]
    assert role["Properties"]["RoleName"] == settings.scan_role_name
    assert role.get("DeletionPolicy") in DELETED and role.get("UpdateReplacePolicy") in DELETED


def test_a_retained_resource_with_a_fixed_name_is_caught(hub: dict[str, Any]) -> None:
    mutated = copy.deepcopy(hub)
    _, machine = one(mutated, "AWS::StepFunctions::StateMachine")
    destination = machine["Properties"]["LoggingConfiguration"]["Destinations"][0]["CloudWatchLogsLogGroup"]
    log_group = mutated["Resources"][destination["LogGroupArn"]["Fn::GetAtt"][0]]
    log_group["Properties"]["LogGroupName"] = f"{LOG_GROUP_PREFIX}OrgSweep-workflow"  # the old, fixed name
    assert [n.logical_id for n in named_resources(mutated) if not n.safe] == [
        destination["LogGroupArn"]["Fn::GetAtt"][0]
    ]
    assert all(n.safe for n in named_resources(hub))  # the copy was changed, not the template
