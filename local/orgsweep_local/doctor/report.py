"""The doctor's verdict: exit code and the machine-readable document (`--format json`)."""

from __future__ import annotations

from typing import Any

from orgsweep_local.doctor.types import CheckResult, Report, Status

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_ACCOUNTS_FAIL = 3
FORMAT = "orgsweep.doctor/1"


def exit_code(report: Report) -> int:
    """0 nothing failed (WARN allowed); 1 a check outside the accounts failed (identity, Organizations,
    the hub); 3 only per-account checks failed."""
    failed = [r for r in report.results if r.status is Status.FAIL]
    if any(r.account_id is None for r in failed):
        return EXIT_FAILURE
    return EXIT_ACCOUNTS_FAIL if failed else EXIT_OK


def failed_accounts(report: Report) -> list[str]:
    return sorted({r.account_id for r in report.results if r.status is Status.FAIL and r.account_id})


def _result(row: CheckResult) -> dict[str, Any]:
    return {
        "check": row.check,
        "subject": row.subject.replace("\n", " "),
        "account_id": row.account_id,
        "account_name": row.account_name,
        "status": str(row.status),
        "detail": row.detail,
        "fix": row.fix,
        "data": dict(row.data),
    }


def document(report: Report) -> dict[str, Any]:
    """{"format", "results": [...], "summary": {...}}: every row, and the counts behind the exit code."""
    checked = sorted({r.account_id for r in report.results if r.account_id and r.check != "accounts"})
    return {
        "format": FORMAT,
        "results": [_result(row) for row in report.results],
        "summary": {
            "pass": report.count(Status.PASS),
            "warn": report.count(Status.WARN),
            "fail": report.count(Status.FAIL),
            "accounts_checked": len(checked),
            "accounts_failed": failed_accounts(report),
            "exit_code": exit_code(report),
        },
    }


__all__ = ["EXIT_ACCOUNTS_FAIL", "EXIT_FAILURE", "EXIT_OK", "FORMAT", "document", "exit_code", "failed_accounts"]
