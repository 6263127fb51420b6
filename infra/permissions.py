"""The member role's actions, from the check registry (the one definition is orgsweep.checks.policy).

Infra may import the checks' declared permissions (and the table schemas) from runtime code:
the role deployed by CDK and the policy `orgsweep member-role-policy` prints can never differ.
"""

from __future__ import annotations

from orgsweep.checks.policy import CELL_ACTIONS, READ_ONLY_ACTION, check_actions, member_role_actions

__all__ = ["CELL_ACTIONS", "READ_ONLY_ACTION", "check_actions", "member_role_actions"]
