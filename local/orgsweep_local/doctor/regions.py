"""Which regions a member account has enabled, read with the member role (ec2:DescribeRegions),
as orgsweep.pipeline.fleet.enabled_regions reads them for a plan."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from orgsweep.aws.clients import get_client
from orgsweep.aws.throttling import error_code, is_access_denied_error
from orgsweep.pipeline.exceptions import PlanError
from orgsweep.pipeline.fleet import Account, enabled_regions
from orgsweep_local.doctor.assume import subject
from orgsweep_local.doctor.types import CheckResult, Status

CHECK = "regions"
POLICY_FIX = "grant the member role ec2:DescribeRegions: `orgsweep member-role-policy` prints its policy"


def check_regions(
    session: Any, account: Account, *, home_region: str, requested: Sequence[str]
) -> tuple[CheckResult, list[str]]:
    """The row for `account` and its enabled regions ([] when they could not be read).

    A requested region the account has not enabled is a WARN: the scan records those cells
    `region_disabled` and carries on, so it is a fact to know, not a broken setup.
    """
    def row(status: Status, detail: str, fix: str = "", data: dict[str, Any] | None = None) -> CheckResult:
        return CheckResult(CHECK, subject(account), status, detail, fix, account_id=account.account_id,
                           account_name=account.name, data=data or {})

    try:
        enabled = enabled_regions(get_client(session, "ec2", home_region))
    except PlanError as exc:
        code = error_code(exc.__cause__) if exc.__cause__ is not None else None
        denied = is_access_denied_error(code)
        return row(
            Status.FAIL,
            f"cannot list the enabled regions ({code or type(exc.__cause__).__name__})",
            POLICY_FIX if denied else "see the AWS error; rerun",
            {"aws_error": {"code": code, "message": str(exc)}},
        ), []
    missing = [region for region in requested if region not in enabled]
    data = {"enabled": enabled, "not_enabled": missing}
    if missing:
        return row(
            Status.WARN,
            f"not enabled: {', '.join(missing)} ({len(enabled)} regions enabled); the scan records those "
            "cells region_disabled",
            "enable the region for the account (Account settings → AWS Regions), or drop it from --region",
            data,
        ), enabled
    asked = f", including {', '.join(requested)}" if requested else ""
    return row(Status.PASS, f"{len(enabled)} regions enabled{asked}", data=data), enabled


__all__ = ["CHECK", "check_regions"]
