"""The member role: standalone StackSet-ready template, generated read-only policy, narrow trust."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.permissions import CELL_ACTIONS, READ_ONLY_ACTION, member_role_actions
from infra.settings import Settings
from orgsweep.checks import all_checks
from tests.infra.templates import one

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("cdk")]


def _policy_actions(template: dict[str, Any]) -> list[str]:
    _, policy = one(template, "AWS::IAM::Policy")
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Allow" and statement["Resource"] == "*"
    actions = statement["Action"]
    return [actions] if isinstance(actions, str) else list(actions)


def _trust(template: dict[str, Any]) -> dict[str, Any]:
    _, role = one(template, "AWS::IAM::Role")
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Action"] == "sts:AssumeRole" and statement["Effect"] == "Allow"
    trust: dict[str, Any] = statement
    return trust


def test_the_template_needs_no_assets_and_no_bootstrap(member: dict[str, Any]) -> None:
    assert set(member["Parameters"]) == {"HubAccountId"}
    assert "Rules" not in member  # no CheckBootstrapVersion
    assert not any(r["Type"] == "AWS::CDK::Metadata" for r in member["Resources"].values())
    assert {r["Type"] for r in member["Resources"].values()} == {"AWS::IAM::Role", "AWS::IAM::Policy"}
    assert "aws:asset" not in json.dumps(member)
    assert len(json.dumps(member)) < 51_200  # TemplateBody limit of a StackSet


def test_the_role_name_comes_from_settings(member: dict[str, Any], settings: Settings) -> None:
    _, role = one(member, "AWS::IAM::Role")
    assert role["Properties"]["RoleName"] == settings.member_role_name


def test_the_policy_is_generated_from_the_check_registry(member: dict[str, Any]) -> None:
    actions = _policy_actions(member)
    assert actions == list(member_role_actions())
    assert len(actions) == len(set(actions))
    assert actions == sorted(actions, key=str.lower)
    assert set(CELL_ACTIONS) <= set(actions)


def test_every_registered_check_is_granted_what_it_declares(member: dict[str, Any]) -> None:
    granted = set(_policy_actions(member))
    checks = all_checks()
    assert checks, "the check registry is empty"
    for check in checks:
        missing = set(check.permissions) - granted
        assert not missing, f"{check.id} needs {sorted(missing)}"


def test_the_policy_grants_no_write_and_no_wildcard(member: dict[str, Any]) -> None:
    for action in _policy_actions(member):
        assert "*" not in action and "?" not in action, action
        assert READ_ONLY_ACTION.fullmatch(action), action


def test_a_check_declaring_a_write_action_is_refused() -> None:
    from infra import permissions

    def declaring(check_id: str, action: str) -> Any:
        return type("FakeCheck", (), {"id": check_id, "permissions": (action,)})

    with pytest.raises(ValueError, match="bad-check"):
        permissions.member_role_actions([declaring("bad-check", "ec2:DeleteVolume")])
    with pytest.raises(ValueError, match="greedy"):
        permissions.member_role_actions([declaring("greedy", "ec2:Describe*")])


def test_only_the_hub_scan_role_may_assume_it(member: dict[str, Any], settings: Settings) -> None:
    trust = _trust(member)
    assert trust["Principal"] == {
        "AWS": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "HubAccountId"}, ":root"]]}
    }
    scan_role = {
        "Fn::Sub": [
            f"arn:${{AWS::Partition}}:iam::${{HubAccountId}}:role/{settings.scan_role_name}",
            {"HubAccountId": {"Ref": "HubAccountId"}},
        ]
    }
    assert trust["Condition"]["ArnEquals"] == {"aws:PrincipalArn": scan_role}
    expected_equals = {}
    if settings.external_id:
        expected_equals["sts:ExternalId"] = settings.external_id
    if settings.organization_id:
        expected_equals["aws:PrincipalOrgID"] = settings.organization_id
    assert trust["Condition"].get("StringEquals", {}) == expected_equals


def test_external_id_and_organization_narrow_the_trust() -> None:
    from infra.stacks.member_role_stack import member_template

    settings = Settings(external_id="ext-4242", organization_id="o-abcdefghij", hub_account_id="123456789012")
    template = member_template(settings)
    trust = _trust(template)
    assert trust["Condition"]["StringEquals"] == {
        "sts:ExternalId": "ext-4242",
        "aws:PrincipalOrgID": "o-abcdefghij",
    }
    assert template["Parameters"]["HubAccountId"]["Default"] == "123456789012"


@pytest.mark.parametrize("call_as", ["SELF", "DELEGATED_ADMIN"])
def test_the_stackset_is_created_as_the_management_account_or_a_delegated_admin(call_as: str) -> None:
    from aws_cdk import App, Stack
    from aws_cdk.assertions import Match, Template

    from infra.constructs.member_stackset import STACK_SET_NAME, MemberStackSet

    settings = Settings.from_context(
        {
            "deploy_member_stackset": True,
            "organization_id": "o-abcdefghij",
            "member_stackset_ous": ["r-wxyz"],
            "member_stackset_call_as": call_as,
        }
    )
    stack = Stack(App(), "Hub")
    MemberStackSet(stack, "MemberStackSet", settings=settings, template_body="{}")
    Template.from_stack(stack).has_resource_properties(
        "AWS::CloudFormation::StackSet",
        {
            "CallAs": call_as,
            "StackSetName": STACK_SET_NAME,
            "PermissionModel": "SERVICE_MANAGED",
            "TemplateBody": Match.any_value(),
        },
    )


def test_the_hub_with_every_option_deploys_the_stackset_as_a_delegated_admin(hub_all_options: dict[str, Any]) -> None:
    _, stack_set = one(hub_all_options, "AWS::CloudFormation::StackSet")
    assert stack_set["Properties"]["CallAs"] == "DELEGATED_ADMIN"
    assert stack_set.get("DeletionPolicy") is None  # deleted on rollback with its stack instances


def test_the_optional_stackset_deploys_the_member_template_to_the_ous() -> None:
    from aws_cdk import App, Stack
    from aws_cdk.assertions import Template

    from infra.constructs.member_stackset import MemberStackSet
    from infra.stacks.member_role_stack import member_template, member_template_body

    settings = Settings(
        deploy_member_stackset=True,
        organization_id="o-abcdefghij",
        member_stackset_ous=("ou-abcd-12345678", "r-wxyz"),
    )
    stack = Stack(App(), "Hub")
    MemberStackSet(stack, "MemberStackSet", settings=settings, template_body=member_template_body(settings))
    template = Template.from_stack(stack).to_json()
    _, stack_set = one(template, "AWS::CloudFormation::StackSet")
    props = stack_set["Properties"]
    assert props["PermissionModel"] == "SERVICE_MANAGED"
    assert props["CallAs"] == "SELF"  # the default: the hub is the management account
    assert props["AutoDeployment"] == {"Enabled": True, "RetainStacksOnAccountRemoval": False}
    assert props["Capabilities"] == ["CAPABILITY_NAMED_IAM"]
    assert props["Parameters"] == [{"ParameterKey": "HubAccountId", "ParameterValue": {"Ref": "AWS::AccountId"}}]
    (instances,) = props["StackInstancesGroup"]
    assert instances["DeploymentTargets"] == {"OrganizationalUnitIds": ["ou-abcd-12345678", "r-wxyz"]}
    assert instances["Regions"] == [{"Ref": "AWS::Region"}]  # the hub's region by default
    assert json.loads(props["TemplateBody"]) == member_template(settings)
