"""The member role stack: a standalone template (no assets, no bootstrap) usable as a StackSet template."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk import App, BootstraplessSynthesizer, CfnOutput, CfnParameter, Stack
from constructs import Construct

from infra.constructs.member_role import MemberRole
from infra.permissions import member_role_actions
from infra.settings import Settings

MEMBER_STACK_NAME = "OrgSweepMemberRole"


class MemberRoleStack(Stack):
    """The read-only role for one member account; parameter HubAccountId names the hub account."""

    def __init__(self, scope: Construct, construct_id: str, *, settings: Settings, **kwargs: Any) -> None:
        super().__init__(
            scope,
            construct_id,
            description="orgsweep member role: read-only access for the hub's scan role",
            synthesizer=BootstraplessSynthesizer(),
            analytics_reporting=False,
            **kwargs,
        )
        hub_account = CfnParameter(
            self,
            "HubAccountId",
            type="String",
            allowed_pattern=r"^\d{12}$",
            constraint_description="a 12-digit AWS account id",
            description="The account where the orgsweep hub (state machine, scan_cell role) is deployed",
            default=settings.hub_account_id,
        )
        self.member_role = MemberRole(
            self,
            "MemberRole",
            role_name=settings.member_role_name,
            hub_account_id=hub_account.value_as_string,
            scan_role_name=settings.scan_role_name,
            actions=member_role_actions(),
            external_id=settings.external_id,
            organization_id=settings.organization_id,
        )
        CfnOutput(self, "RoleArn", value=self.member_role.role.role_arn, description="The member role's ARN")


def member_template(settings: Settings) -> dict[str, Any]:
    """The member stack's template, synthesized on its own (no CLI context, no nag metadata)."""
    app = App(analytics_reporting=False)
    stack = MemberRoleStack(app, MEMBER_STACK_NAME, settings=settings)
    template: dict[str, Any] = app.synth().get_stack_by_name(stack.stack_name).template
    return template


def member_template_body(settings: Settings) -> str:
    """The member template as compact, key-sorted JSON (deterministic; well under the 51,200-byte limit)."""
    return json.dumps(member_template(settings), sort_keys=True, separators=(",", ":"))


__all__ = ["MEMBER_STACK_NAME", "MemberRoleStack", "member_template", "member_template_body"]
