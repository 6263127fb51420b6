"""Read an AccessDenied message the way AWS documents it (IAM User Guide, "Troubleshoot access
denied error messages"):

    User: <principal> is not authorized to perform: <action> on resource: <resource>
          [ with an explicit deny in a <policy type>[: <policy ARN>]
          | because no <policy type> allows the <action> action ]

Services and cross-account requests may leave the context out: then the message says nothing
about the cause (sts:AssumeRole of a role that does not exist, or whose trust policy does not
allow the caller, gets exactly that plain message).
"""

from __future__ import annotations

import re

from orgsweep_local.doctor.types import Denial

#: The policy types AWS names in the context, longest first so "resource control policy" is
#: never read as a shorter type.
POLICY_TYPES: tuple[str, ...] = (
    "resource control policy",
    "service control policy",
    "identity-based policy",
    "resource-based policy",
    "permissions boundary",
    "session policy",
    "VPC endpoint policy",
)
_TYPE = "|".join(re.escape(name) for name in POLICY_TYPES)
_EXPLICIT = re.compile(rf"with an explicit deny in (?:a |an |the )?(?P<type>{_TYPE})(?:: (?P<arn>arn:[^\s]+))?")
_IMPLICIT = re.compile(rf"because no (?P<type>{_TYPE}) allows the (?P<action>\S+) action")
_ACTION = re.compile(r"is not authorized to perform: (?P<action>[A-Za-z0-9-]+:[A-Za-z0-9]+)")


def read_denial(message: str) -> Denial:
    """The cause an AccessDenied message states (policy type and ARN), or an empty Denial."""
    action_match = _ACTION.search(message)
    action = action_match.group("action") if action_match else None
    explicit = _EXPLICIT.search(message)
    if explicit is not None:
        arn = explicit.group("arn")
        return Denial(explicit.group("type"), explicit=True, policy_arn=arn.rstrip(".,;") if arn else None,
                      action=action)
    implicit = _IMPLICIT.search(message)
    if implicit is not None:
        return Denial(implicit.group("type"), explicit=False, action=implicit.group("action"))
    return Denial(action=action)


def policy_id(policy_arn: str | None) -> str | None:
    """The short id at the end of a policy ARN (p-2kgnabcd), to name it where the ARN is too long."""
    if not policy_arn:
        return None
    return policy_arn.rsplit("/", 1)[-1] or None


def describe_denial(denial: Denial) -> str:
    """"an explicit deny in a service control policy (p-2kgnabcd)" / "no identity-based policy allows it"."""
    if denial.policy_type is None:
        return "no reason given"
    if denial.explicit:
        named = policy_id(denial.policy_arn)
        article = "an" if denial.policy_type[:1] in "aeiou" else "a"
        return f"an explicit deny in {article} {denial.policy_type}" + (f" ({named})" if named else "")
    return f"no {denial.policy_type} allows it"


__all__ = ["POLICY_TYPES", "describe_denial", "policy_id", "read_denial"]
