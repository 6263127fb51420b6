"""What the doctor checks with, and what each check reports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """PASS: proven to work. WARN: works, but look at it. FAIL: a scan would not (fully) work."""

    PASS = "PASS"
    WARN = "WARN"
    FAIL = "FAIL"


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One row of the doctor's report.

    account_id is set on per-account rows (member role, regions, permissions): their failures
    make the exit code 3; a failure anywhere else (identity, Organizations, the hub) makes it 1.
    data: machine-readable facts behind the row (the AWS error code and message, counts, ...).
    """

    check: str
    subject: str
    status: Status
    detail: str
    fix: str = ""
    account_id: str | None = None
    account_name: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


class AssumeReason(StrEnum):
    """Why sts:AssumeRole into a member account failed, as far as AWS's answer tells."""

    OK = "ok"
    ROLE_OR_TRUST = "role_or_trust"  # role missing, trust not allowing us, or external id: AWS words them alike
    TRUST_DENIED = "trust_denied"  # an explicit Deny in the role's trust policy: the role exists
    EXTERNAL_ID = "external_id"  # refused with the external id, assumable without it
    SCP_DENIED = "scp_denied"  # a service control policy on the caller's account
    RCP_DENIED = "rcp_denied"  # a resource control policy on the member account
    CALLER_NOT_ALLOWED = "caller_not_allowed"  # the caller's identity policy / boundary / session policy
    THROTTLED = "throttled"
    REGION_DISABLED = "region_disabled"  # STS not activated in the region used
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class AssumeAttempt:
    """One sts:AssumeRole call: the external id sent, and the error code and message (None: it worked)."""

    external_id: str | None
    code: str | None = None
    message: str = ""

    @property
    def succeeded(self) -> bool:
        return self.code is None


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """The classified outcome of assuming the member role: reason, what it means, how to fix it."""

    reason: AssumeReason
    detail: str
    fix: str = ""
    policy_arn: str | None = None


@dataclass(frozen=True, slots=True)
class Denial:
    """What an AccessDenied message says about its cause (AWS's documented format).

    explicit: "with an explicit deny in a <policy_type>"; implicit: "because no <policy_type>
    allows the <action> action"; neither: the plain message (policy_type None).
    """

    policy_type: str | None = None
    explicit: bool = False
    policy_arn: str | None = None
    action: str | None = None


@dataclass(frozen=True, slots=True)
class DoctorOptions:
    """Validated options of one doctor run. Empty tuples mean "not limited"."""

    role_name: str
    home_region: str
    external_id: str | None = None
    accounts: tuple[str, ...] = ()
    ous: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    sample: int | None = None
    stack: str | None = None
    map_max_concurrency: int = 200
    map_max_concurrency_source: str = "built-in default"

    @property
    def probe_every_account(self) -> bool:
        """Probe the checks' services in every checked account (sampled or named), not just the first."""
        return self.sample is not None or bool(self.accounts)


@dataclass(frozen=True, slots=True)
class Report:
    """Every result of one doctor run, in report order."""

    results: tuple[CheckResult, ...]

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status is status)


__all__ = [
    "AssumeAttempt",
    "AssumeReason",
    "CheckResult",
    "Denial",
    "Diagnosis",
    "DoctorOptions",
    "Report",
    "Status",
]
