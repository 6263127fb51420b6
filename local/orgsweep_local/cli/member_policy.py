"""`orgsweep member-role-policy`: the member role's IAM policy, generated from the check registry."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from orgsweep_local.cli.errors import invalid, reported_errors


def member_role_policy(
    trust: Annotated[
        str | None,
        typer.Option("--trust", metavar="HUB_ACCOUNT_ID",
                     help="Print the trust policy for this hub account instead of the permissions policy."),
    ] = None,
    external_id: Annotated[
        str | None, typer.Option("--external-id", help="With --trust: require this sts:ExternalId.")
    ] = None,
) -> None:
    """Print the member role's IAM permissions policy (JSON): exactly the read-only actions the checks declare.

    Use it for a role you create yourself, e.g.
    `orgsweep member-role-policy > policy.json` then
    `aws iam put-role-policy --role-name OrgSweepReadOnly --policy-name orgsweep --policy-document file://policy.json`.
    """
    from orgsweep.checks.policy import member_role_policy as permissions_policy
    from orgsweep.checks.policy import member_role_trust_policy
    from orgsweep.pipeline.validation import ACCOUNT_ID_RE

    with reported_errors():
        if trust is None:
            if external_id is not None:
                raise invalid("--external-id applies to --trust only")
            document = permissions_policy()
        else:
            if not ACCOUNT_ID_RE.fullmatch(trust):
                raise invalid(f"--trust: {trust!r} is not an AWS account id (12 digits)")
            document = member_role_trust_policy(trust, external_id=external_id)
        typer.echo(json.dumps(document, indent=2))


__all__ = ["member_role_policy"]
