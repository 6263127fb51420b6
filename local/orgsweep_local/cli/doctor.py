"""`orgsweep doctor`: check credentials, Organizations access, the member role in every account and
(with --stack) the deployed hub, and say how to fix what fails. The checks live in orgsweep_local.doctor."""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from orgsweep_local.cli.context import AwsProfileOpt, aws_session
from orgsweep_local.cli.errors import invalid, reported_errors
from orgsweep_local.cli.table_width import print_table

if TYPE_CHECKING:
    from orgsweep_local.doctor import CheckResult, Report

#: Above this many accounts, the table shows one line per check for the accounts that passed it.
COLLAPSE_AFTER = 20
_STYLE = {"PASS": "green", "WARN": "yellow", "FAIL": "bold red"}
_SCOPE = "Scope"


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"


def _opt(flag: str, metavar: str, text: str) -> Any:
    return typer.Option(flag, metavar=metavar, help=text, rich_help_panel=_SCOPE)


def _settings_candidates() -> list[Path]:
    # The working directory's cdk.json first, then the checkout this CLI runs from (local/../cdk.json).
    return [Path.cwd() / "cdk.json", Path(__file__).resolve().parents[3] / "cdk.json"]


def collapsed(results: Sequence[CheckResult], limit: int = COLLAPSE_AFTER) -> list[CheckResult]:
    """`results` with each per-account check's PASS rows folded into one row when there are many."""
    from dataclasses import replace

    passed: dict[str, list[CheckResult]] = {}
    for row in results:
        if row.account_id is not None and str(row.status) == "PASS":
            passed.setdefault(row.check, []).append(row)
    fold = {check for check, rows in passed.items() if len(rows) > limit}
    shown: list[CheckResult] = []
    for row in results:
        if row.check in fold and row.account_id is not None and str(row.status) == "PASS":
            if row is passed[row.check][0]:
                count = len(passed[row.check])
                shown.append(replace(row, subject=f"{count} accounts", account_id=None,
                                     detail=f"passed in {count} accounts (--format json lists each)"))
            continue
        shown.append(row)
    return shown


def render(console: Console, report: Report) -> None:
    from orgsweep_local.doctor import Status, exit_code

    table = Table(title="orgsweep doctor", title_justify="left", show_lines=True)
    table.add_column("check", no_wrap=True)
    table.add_column("subject", no_wrap=True)  # account ids, ARNs, bucket names: never cut
    table.add_column("status", no_wrap=True)
    table.add_column("detail")
    table.add_column("fix")
    for row in collapsed(report.results):
        style = _STYLE[str(row.status)]
        table.add_row(row.check, row.subject, f"[{style}]{row.status}[/{style}]", row.detail, row.fix or "-")
    print_table(console, table)
    counts = ", ".join(f"{report.count(status)} {status}" for status in Status)
    meaning = {0: "ready", 1: "fix the FAIL rows above first", 3: "some accounts fail"}[exit_code(report)]
    console.print(f"{counts}: {meaning}.")


def doctor(  # noqa: PLR0917 (typer maps parameters to options)
    account: Annotated[list[str] | None, _opt("--account", "ACCOUNT_ID", "Check only this account (repeatable).")]
    = None,
    ou: Annotated[list[str] | None, _opt("--ou", "OU_ID", "Check only accounts under this OU (repeatable).")] = None,
    region: Annotated[
        list[str] | None,
        _opt("--region", "REGION", "A region the scan will cover (repeatable; default: cdk.json regions)."),
    ] = None,
    sample: Annotated[
        int | None,
        typer.Option("--sample", metavar="N", min=1, rich_help_panel=_SCOPE,
                     help="Check N accounts, chosen by a hash of their id (the same ones every run)."),
    ] = None,
    role_name: Annotated[
        str | None, _opt("--role-name", "NAME|ARN", "Member role (default: cdk.json member_role_name).")
    ] = None,
    external_id: Annotated[str | None, _opt("--external-id", "ID", "External id (default: cdk.json).")] = None,
    stack: Annotated[str | None, _opt("--stack", "NAME", "Also check this deployed hub stack.")] = None,
    output_format: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.TABLE,
    aws_profile: AwsProfileOpt = None,
) -> None:
    """Check that a scan can work with these credentials; run it before and after deploying.

    Checks: who you are (sts:GetCallerIdentity); AWS Organizations access (management account
    or delegated administrator); the member role assumable in every target account, with the
    reason for each failure (as far as AWS tells it apart); the regions each account has
    enabled; one read call per service the checks use, in a member account; the hub account's
    Lambda concurrency against the Map's MaxConcurrency; and with --stack the deployed hub
    (stack status, outputs, results bucket, state machine). Each failure comes with a fix.
    Defaults (role name, external id, regions, map_max_concurrency) come from cdk.json.

    Exit codes: 0 nothing failed (warnings allowed); 3 some accounts fail; 2 invalid input;
    1 anything else failed (credentials, Organizations access, the hub).
    """
    from orgsweep_local.doctor import (
        DoctorInputError,
        build_options,
        document,
        exit_code,
        find_cdk_json,
        load_settings,
        run_doctor,
    )

    with reported_errors():
        try:
            settings = load_settings(find_cdk_json(_settings_candidates()))
            session = aws_session(aws_profile)
            options = build_options(
                settings, home_region=session.region_name or "us-east-1", accounts=account or [], ous=ou or [],
                regions=region or [], sample=sample, role_name=role_name, external_id=external_id, stack=stack,
            )
        except DoctorInputError as exc:
            raise invalid(str(exc)) from exc
        console = Console()
        if output_format is Format.TABLE:
            with console.status("Checking…"):
                report = run_doctor(session, options)
            render(console, report)
        else:
            report = run_doctor(session, options)
            typer.echo(json.dumps(document(report), indent=2, default=str))
    raise typer.Exit(exit_code(report))


__all__ = ["collapsed", "doctor", "render"]
