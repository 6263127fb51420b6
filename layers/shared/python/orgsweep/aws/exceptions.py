"""Errors of the AWS access layer."""

from __future__ import annotations

from orgsweep.exceptions import OrgSweepError


class AwsError(OrgSweepError):
    """Base class of the errors orgsweep.aws raises on purpose."""


class AwsConfigError(AwsError, ValueError):
    """A bad argument: malformed account id, role name or ARN, or a client setting out of range."""


class AssumeRoleError(AwsError):
    """sts:AssumeRole into a member account failed.

    `code` is the AWS error code (e.g. "AccessDenied", "RegionDisabledException") or, for a
    failure before AWS answered, the botocore exception's class name (e.g.
    "EndpointConnectionError", "NoCredentialsError"); "ValidationError" for a bad role/account.
    """

    def __init__(self, code: str, message: str, account_id: str, role_arn: str) -> None:
        self.code = code
        self.message = message
        self.account_id = account_id
        self.role_arn = role_arn
        super().__init__(f"cannot assume {role_arn} in account {account_id}: {code}: {message}")

    def __reduce__(self) -> tuple[type[AssumeRoleError], tuple[str, str, str, str]]:
        # Keep the error picklable (process pools) despite the multi-argument constructor.
        return (type(self), (self.code, self.message, self.account_id, self.role_arn))


__all__ = ["AssumeRoleError", "AwsConfigError", "AwsError"]
