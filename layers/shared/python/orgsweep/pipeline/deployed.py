"""What a deployment's roles allow: an execution input they cannot serve is refused before planning.

The hub's scan role may `sts:AssumeRole` only `arn:<partition>:iam::*:role/<member_role_name>`,
and the member roles trust it only with the deployment's external id (when one is set). An
input naming another role or external id would otherwise plan fine and then fail in every
cell (one `assume_role_failed` coverage row per account and region). The plan Lambda gets
this constraint from the CDK app as JSON (ORGSWEEP_DEPLOYED_ACCESS); the local engine has
no deployed role and passes none, so any role is accepted there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from orgsweep.aws.iam_patterns import iam_pattern
from orgsweep.pipeline import validation as v
from orgsweep.pipeline.exceptions import InputValidationError

#: Stands in for "any account" when a bare role name is matched against the allowed ARN pattern.
_ANY_ACCOUNT = "000000000000"
_PARTITION_RE = re.compile(r"aws(-[a-z]+)*", re.ASCII)
_FIELDS = ("member_role_name", "external_id", "partition")


@dataclass(frozen=True, slots=True)
class DeployedAccess:
    """The member role name and external id the deployed roles were built with, and the partition."""

    member_role_name: str
    external_id: str | None = None
    partition: str = "aws"

    def __post_init__(self) -> None:
        v.matching(self.member_role_name, "deployed.member_role_name", (v.ROLE_NAME_RE, "an IAM role name"))
        if self.external_id is not None:
            v.matching(self.external_id, "deployed.external_id", v.EXTERNAL_ID)
        v.matching(self.partition, "deployed.partition", (_PARTITION_RE, "an AWS partition (aws, aws-cn, ...)"))

    @property
    def assumable_roles(self) -> str:
        """The Resource of the scan role's sts:AssumeRole statement."""
        return f"arn:{self.partition}:iam::*:role/{self.member_role_name}"

    @classmethod
    def from_dict(cls, data: Any) -> DeployedAccess:
        document = v.expect_object(data, "deployed")
        v.reject_unknown(document, _FIELDS, "deployed")
        if document.get("member_role_name") is None:
            raise InputValidationError("deployed.member_role_name", "is required")
        return cls(
            member_role_name=document["member_role_name"],
            external_id=document.get("external_id"),
            partition=document.get("partition") or "aws",
        )

    @classmethod
    def from_json(cls, text: str | None) -> DeployedAccess | None:
        """None for a missing or blank value: nothing is deployed, so nothing constrains the input."""
        document = v.json_setting(text, "deployed")
        return None if document is None else cls.from_dict(document)

    def to_dict(self) -> dict[str, Any]:
        return {"member_role_name": self.member_role_name, "external_id": self.external_id, "partition": self.partition}

    def may_assume(self, role: str) -> bool:
        """Whether the scan role's policy allows assuming `role` (a role name or a role ARN) in some account."""
        requested = role if role.startswith("arn:") else f"arn:{self.partition}:iam::{_ANY_ACCOUNT}:role/{role}"
        return iam_pattern(self.assumable_roles).fullmatch(requested) is not None

    def check(
        self,
        role_name: str,
        external_id: str | None,
        *,
        role_field: str = "role_name",
        external_id_field: str = "external_id",
    ) -> None:
        """Raise InputValidationError when the deployed roles cannot serve `role_name` / `external_id`.

        The fields are named `defaults.<name>` by the caller when the value came from the
        deployment's defaults rather than the input (only a mismatched deployment does that).
        """
        if not self.may_assume(role_name):
            wanted = role_name.rsplit("/", 1)[-1] if role_name.startswith("arn:") else role_name
            raise InputValidationError(
                role_field,
                f"{role_name!r}: the deployed scan role may assume only roles named {self.member_role_name!r} "
                f"({self.assumable_roles}); set role_name to {self.member_role_name!r} (or omit it), "
                f"or redeploy with member_role_name={wanted!r}",
            )
        # Without a deployed external id the member trust has no sts:ExternalId condition, and a
        # trust policy that does not test sts:ExternalId ignores an ExternalId sent with AssumeRole:
        # any value works then. With one, StringEquals admits exactly that value.
        if self.external_id is not None and external_id != self.external_id:
            shown = "no external id" if external_id is None else f"external id {external_id!r}"
            raise InputValidationError(
                external_id_field,
                f"{shown}: the deployed member roles trust the scan role only with the external id "
                f"{self.external_id!r}; omit external_id (the deployment's default) or set it to "
                f"{self.external_id!r}, or redeploy with external_id set to the one you need",
            )


__all__ = ["DeployedAccess"]
