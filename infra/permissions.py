"""The member role's actions: generated from the check registry plus what every cell needs.

Infra reads only the checks' declared permissions (and table schemas) from runtime code.
"""

from __future__ import annotations

import re

#: What a cell calls besides the checks: batched metrics, and telling disabled regions apart.
CELL_ACTIONS: tuple[str, ...] = ("cloudwatch:GetMetricData", "ec2:DescribeRegions")

#: A read-only action: service prefix, then Describe*/List*/Get* with a concrete name (no wildcard).
READ_ONLY_ACTION = re.compile(r"[a-z0-9-]+:(Describe|List|Get)[A-Za-z0-9]+", re.ASCII)


def check_actions() -> dict[str, tuple[str, ...]]:
    """Each registered check's declared IAM actions, by check id."""
    from orgsweep.checks import all_checks

    return {check.id: tuple(check.permissions) for check in all_checks()}


def member_role_actions() -> tuple[str, ...]:
    """Every action the member role allows: checks' permissions + CELL_ACTIONS, deduplicated and sorted.

    Raises ValueError (naming the check) for an action that is not a concrete read-only one,
    so a check can never widen the role in every member account by accident.
    """
    actions = set(CELL_ACTIONS)
    for check_id, permissions in check_actions().items():
        for action in permissions:
            if not READ_ONLY_ACTION.fullmatch(action):
                raise ValueError(f"check {check_id!r} declares {action!r}: only Describe*/List*/Get* actions allowed")
            actions.add(action)
    return tuple(sorted(actions, key=str.lower))


__all__ = ["CELL_ACTIONS", "READ_ONLY_ACTION", "check_actions", "member_role_actions"]
