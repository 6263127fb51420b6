"""Member roles from the synthesized member-role template, deployed into the demo's member accounts.

The seeded fleet gives each member account a read-only role built from the check registry's
policy. To run the cloud engine as AWS would, that role is replaced by the one the
synthesized `OrgSweepMemberRole` stack creates (the template a StackSet deploys), by
CloudFormation in each member account: under IAM enforcement the scan is then allowed exactly
what the deployed template allows, nothing the seeder granted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from orgsweep.clock import SYSTEM_CLOCK, Clock
from orgsweep_local.demo.exceptions import DemoError
from orgsweep_local.demo.org import member_session
from orgsweep_local.demo.server import HUB_ACCOUNT_ID
from orgsweep_local.demo.stepfunctions import wait_for_stack

MEMBER_STACK = "OrgSweepMemberRole"
_REGION = "us-east-1"  # IAM is global; one stack per account (as the StackSet deploys it)


def member_template(assembly: Path) -> dict[str, Any]:
    """The member stack's template from the cloud assembly."""
    path = assembly / f"{MEMBER_STACK}.template.json"
    try:
        template: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DemoError(f"cannot read the member role template {path}: {exc}") from exc
    return template


def role_name_of(template: dict[str, Any]) -> str:
    """The RoleName of the template's one AWS::IAM::Role."""
    names = [
        str(resource["Properties"]["RoleName"])
        for resource in template.get("Resources", {}).values()
        if resource.get("Type") == "AWS::IAM::Role"
    ]
    if len(names) != 1:
        raise DemoError(f"the member role template should hold one named role, found {names}")
    return names[0]


def deploy_member_roles(
    hub: Any,
    endpoint_url: str,
    assembly: Path,
    account_ids: Iterable[str],
    *,
    hub_account_id: str = HUB_ACCOUNT_ID,
    timeout_s: float = 120,
    clock: Clock = SYSTEM_CLOCK,
) -> int:
    """Create the member stack in every account (replacing a seeded role of the same name); return how many."""
    template = member_template(assembly)
    body = json.dumps(template)
    role_name = role_name_of(template)
    count = 0
    for account_id in account_ids:
        member = member_session(hub, endpoint_url, account_id)
        _remove_role(member.client("iam", region_name=_REGION, endpoint_url=endpoint_url), role_name)
        cloudformation = member.client("cloudformation", region_name=_REGION, endpoint_url=endpoint_url)
        cloudformation.create_stack(
            StackName=MEMBER_STACK,
            TemplateBody=body,
            Parameters=[{"ParameterKey": "HubAccountId", "ParameterValue": hub_account_id}],
            Capabilities=["CAPABILITY_NAMED_IAM"],
        )
        wait_for_stack(cloudformation, MEMBER_STACK, timeout_s=timeout_s, clock=clock)
        count += 1
    return count


def _remove_role(iam: Any, role_name: str) -> None:
    try:
        policies = iam.list_role_policies(RoleName=role_name)["PolicyNames"]
    except iam.exceptions.NoSuchEntityException:
        return
    for policy in policies:
        iam.delete_role_policy(RoleName=role_name, PolicyName=policy)
    for attached in iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=role_name, PolicyArn=attached["PolicyArn"])
    iam.delete_role(RoleName=role_name)


__all__ = ["MEMBER_STACK", "deploy_member_roles", "member_template", "role_name_of"]
