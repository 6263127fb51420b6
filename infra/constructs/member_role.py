"""The read-only role orgsweep assumes in every member account."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Fn
from aws_cdk import aws_iam as iam
from constructs import Construct

from infra.nag import suppress


class MemberRole(Construct):
    """A role trusted only by the hub's scan_cell role, allowed only the given read-only actions.

    Trust: the hub account's root principal, narrowed by `aws:PrincipalArn` to the scan role's
    ARN. Unlike a role-ARN principal this works before the hub role exists and survives the
    hub role being re-created. Optional conditions: sts:ExternalId and aws:PrincipalOrgID.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        role_name: str,
        hub_account_id: str,
        scan_role_name: str,
        actions: Sequence[str],
        external_id: str | None,
        organization_id: str | None,
    ) -> None:
        super().__init__(scope, construct_id)
        scan_role_arn = Fn.sub(
            f"arn:${{AWS::Partition}}:iam::${{HubAccountId}}:role/{scan_role_name}", {"HubAccountId": hub_account_id}
        )
        conditions: dict[str, object] = {"ArnEquals": {"aws:PrincipalArn": scan_role_arn}}
        string_equals: dict[str, str] = {}
        if external_id is not None:
            string_equals["sts:ExternalId"] = external_id
        if organization_id is not None:
            string_equals["aws:PrincipalOrgID"] = organization_id
        if string_equals:
            conditions["StringEquals"] = string_equals
        self.role = iam.Role(
            self,
            "Role",
            role_name=role_name,
            description="orgsweep: read-only access for finding idle resources (assumed by the hub's scan role)",
            assumed_by=iam.AccountPrincipal(hub_account_id).with_conditions(conditions),
        )
        self.policy = iam.Policy(
            self,
            "ReadOnly",
            statements=[iam.PolicyStatement(sid="OrgSweepChecks", actions=list(actions), resources=["*"])],
        )
        self.policy.attach_to_role(self.role)
        suppress(
            self.policy,
            "AwsSolutions-IAM5",
            "The checks' Describe*/List*/Get* and GetMetricData calls do not support resource-level "
            "permissions; every action is a concrete read-only one (no action wildcards).",
            findings=["Resource::*"],
        )


__all__ = ["MemberRole"]
