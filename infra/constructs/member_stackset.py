"""Optional: deploy the member role to every account of some OUs with a service-managed StackSet."""

from __future__ import annotations

from aws_cdk import Aws
from aws_cdk import aws_cloudformation as cfn
from constructs import Construct

from infra.settings import Settings

STACK_SET_NAME = "OrgSweepMemberRole"


class MemberStackSet(Construct):
    """Service-managed StackSet with auto-deployment: new accounts in the OUs get the role automatically.

    The template is the member role stack's own template (no assets, no bootstrap), and
    HubAccountId is this (the hub) account. StackSets never deploy to the management
    account itself: deploy the OrgSweepMemberRole stack there separately if it is scanned.
    CallAs is SELF when the hub is the management account, DELEGATED_ADMIN when it is a
    member account registered as a StackSets delegated administrator (docs/deploy.md).
    """

    def __init__(self, scope: Construct, construct_id: str, *, settings: Settings, template_body: str) -> None:
        super().__init__(scope, construct_id)
        regions = list(settings.member_stackset_regions) or [Aws.REGION]
        self.stack_set = cfn.CfnStackSet(
            self,
            "StackSet",
            stack_set_name=STACK_SET_NAME,
            description="orgsweep read-only member role, trusted by the hub's scan role",
            permission_model="SERVICE_MANAGED",
            call_as=settings.member_stackset_call_as,
            auto_deployment=cfn.CfnStackSet.AutoDeploymentProperty(
                enabled=True, retain_stacks_on_account_removal=False
            ),
            capabilities=["CAPABILITY_NAMED_IAM"],
            managed_execution={"Active": True},
            operation_preferences=cfn.CfnStackSet.OperationPreferencesProperty(
                failure_tolerance_percentage=10, max_concurrent_percentage=25, region_concurrency_type="PARALLEL"
            ),
            parameters=[
                cfn.CfnStackSet.ParameterProperty(parameter_key="HubAccountId", parameter_value=Aws.ACCOUNT_ID)
            ],
            stack_instances_group=[
                cfn.CfnStackSet.StackInstancesProperty(
                    deployment_targets=cfn.CfnStackSet.DeploymentTargetsProperty(
                        organizational_unit_ids=list(settings.member_stackset_ous)
                    ),
                    regions=regions,
                )
            ],
            template_body=template_body,
        )


__all__ = ["STACK_SET_NAME", "MemberStackSet"]
