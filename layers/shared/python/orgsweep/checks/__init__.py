"""The check catalogue: registered check classes, their params, permissions and metric queries."""

from orgsweep.checks.base import Check
from orgsweep.checks.exceptions import (
    CheckError,
    CheckParamError,
    DuplicateCheckError,
    MemberPolicyError,
    UnknownCheckError,
)
from orgsweep.checks.params import NoParams
from orgsweep.checks.registry import all_checks, build_checks, get_check, register
from orgsweep.checks.types import CheckContext, Evaluation, Resource

__all__ = [
    "Check",
    "CheckContext",
    "CheckError",
    "CheckParamError",
    "DuplicateCheckError",
    "Evaluation",
    "MemberPolicyError",
    "NoParams",
    "Resource",
    "UnknownCheckError",
    "all_checks",
    "build_checks",
    "get_check",
    "register",
]
