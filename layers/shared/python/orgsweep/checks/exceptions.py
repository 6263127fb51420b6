"""Errors of the check catalogue."""

from __future__ import annotations

from orgsweep.exceptions import OrgSweepError


class CheckError(OrgSweepError):
    """Base class of check-catalogue errors."""


class DuplicateCheckError(CheckError):
    """Two check classes registered under one id."""


class UnknownCheckError(CheckError, KeyError):
    """A check id that is not in the catalogue."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else "unknown check"


class CheckParamError(CheckError, ValueError):
    """A check parameter that does not exist or has the wrong type or value.

    `field` is the path of the offending value, e.g. `ec2-instance-idle.cpu_pct`.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class MemberPolicyError(CheckError, ValueError):
    """A check declares an action that is not a concrete read-only one."""


__all__ = ["CheckError", "CheckParamError", "DuplicateCheckError", "MemberPolicyError", "UnknownCheckError"]
