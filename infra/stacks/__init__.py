"""The two stacks: the hub (everything that runs a scan) and the member role (one per scanned account)."""

from infra.stacks.hub_stack import HubStack
from infra.stacks.member_role_stack import MemberRoleStack, member_template_body

__all__ = ["HubStack", "MemberRoleStack", "member_template_body"]
