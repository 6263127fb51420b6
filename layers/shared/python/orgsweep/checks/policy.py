"""The member role's IAM policies, generated from the check registry (used by the CLI, the demo and infra/).

Checks declare the read-only IAM actions they call; the role grants exactly their union plus
what every cell needs besides the checks (GetMetricData: checks hand their metric queries to
the cell's batcher; DescribeRegions: telling a disabled region apart). Disabling a check in a
deployment does not shrink the role: every registered check's actions are granted, so an
execution input can enable any check. Same rules as infra/permissions.py, which can import
these functions instead of keeping its own copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from orgsweep.checks.base import Check
from orgsweep.checks.exceptions import MemberPolicyError
from orgsweep.checks.registry import all_checks

#: What a cell calls besides the checks: batched metrics, and telling disabled regions apart.
CELL_ACTIONS: tuple[str, ...] = ("cloudwatch:GetMetricData", "ec2:DescribeRegions")
#: A read-only action: service prefix, then Describe*/List*/Get* with a concrete name (no wildcard).
READ_ONLY_ACTION = re.compile(r"[a-z0-9-]+:(Describe|List|Get)[A-Za-z0-9]+", re.ASCII)
POLICY_VERSION = "2012-10-17"


def check_actions(checks: Iterable[type[Check]] | None = None) -> dict[str, tuple[str, ...]]:
    """Each check's declared IAM actions, by check id (default: every registered check)."""
    return {cls.id: tuple(cls.permissions) for cls in (all_checks() if checks is None else checks)}


def member_role_actions(checks: Iterable[type[Check]] | None = None) -> tuple[str, ...]:
    """Every action the member role allows: the checks' plus CELL_ACTIONS, deduplicated, sorted case-insensitively.

    Raises MemberPolicyError naming the check for an action that is not a concrete
    Describe*/List*/Get* one, so a check can never widen the role in every account by accident.
    """
    actions = set(CELL_ACTIONS)
    for check_id, permissions in check_actions(checks).items():
        for action in permissions:
            if not READ_ONLY_ACTION.fullmatch(action):
                raise MemberPolicyError(
                    f"check {check_id!r} declares {action!r}: only Describe*/List*/Get* actions allowed"
                )
            actions.add(action)
    return tuple(sorted(actions, key=str.lower))


def member_role_policy(checks: Iterable[type[Check]] | None = None) -> dict[str, Any]:
    """The member role's identity policy document: read-only, only the actions the checks declare."""
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "OrgSweepChecks",
                "Effect": "Allow",
                "Action": list(member_role_actions(checks)),
                "Resource": "*",
            }
        ],
    }


def member_role_trust_policy(
    hub_account_id: str,
    *,
    partition: str = "aws",
    scan_role_name: str | None = None,
    external_id: str | None = None,
    organization_id: str | None = None,
) -> dict[str, Any]:
    """Who may assume the member role: the hub account, narrowed to its scan role, with optional conditions."""
    conditions: dict[str, Any] = {}
    if scan_role_name:
        conditions["ArnEquals"] = {"aws:PrincipalArn": f"arn:{partition}:iam::{hub_account_id}:role/{scan_role_name}"}
    string_equals = {}
    if external_id:
        string_equals["sts:ExternalId"] = external_id
    if organization_id:
        string_equals["aws:PrincipalOrgID"] = organization_id
    if string_equals:
        conditions["StringEquals"] = string_equals
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:{partition}:iam::{hub_account_id}:root"},
        "Action": "sts:AssumeRole",
    }
    if conditions:
        statement["Condition"] = conditions
    return {"Version": POLICY_VERSION, "Statement": [statement]}


__all__ = [
    "CELL_ACTIONS",
    "POLICY_VERSION",
    "READ_ONLY_ACTION",
    "MemberPolicyError",
    "check_actions",
    "member_role_actions",
    "member_role_policy",
    "member_role_trust_policy",
]
