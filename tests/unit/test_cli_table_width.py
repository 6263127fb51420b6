"""Every table the CLI prints keeps ids whole (check ids, account ids, ARNs, run ids, regions):
rendered into 80 columns, and through a pipe, each appears unbroken on one line."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from typing import Any

import pytest
from rich.console import Console
from rich.table import Table

from orgsweep.checks import all_checks
from orgsweep_local.cli.checks import catalogue, checks_table
from orgsweep_local.cli.doctor import render as render_doctor
from orgsweep_local.cli.render import print_summary
from orgsweep_local.cli.table_width import fit_columns, print_table
from orgsweep_local.doctor import CheckResult, Report, Status

pytestmark = pytest.mark.unit

ALB_ARN = "arn:aws:elasticloadbalancing:eu-west-1:210987654321:loadbalancer/app/payments-public-edge/50dc6c495c0c9188"
STATE_MACHINE = "arn:aws:states:ap-southeast-2:123456789012:stateMachine:OrgSweepWorkflowStateMachine4F3B2A1C-Xy7Zq"


def console(width: int = 80) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=width, color_system=None, highlight=False), buffer


def assert_whole(output: str, values: list[str]) -> None:
    lines = output.splitlines()
    for value in values:
        assert any(value in line for line in lines), f"{value!r} is cut or wrapped:\n{output}"
    assert "…" not in output


def test_checks_in_80_columns_keep_every_id_and_permission_whole() -> None:
    out, buffer = console()
    rows = catalogue()
    print_table(out, checks_table(rows, out))
    text = buffer.getvalue()
    assert_whole(text, [r["id"] for r in rows] + [p for r in rows for p in r["permissions"]]
                 + [r["resource_type"] for r in rows])
    assert max(len(line) for line in text.splitlines()) <= 80  # the compact layout fits


def test_checks_through_a_pipe_with_columns_80() -> None:
    environment = {**os.environ, "COLUMNS": "80"}
    done = subprocess.run(
        [sys.executable, "-c", "from orgsweep_local.cli.app import main; main()", "checks"],
        capture_output=True, text=True, env=environment, check=False, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    ids = [cls.id for cls in all_checks()]
    assert_whole(done.stdout, ids + sorted({p for cls in all_checks() for p in cls.permissions}))


def _summary() -> dict[str, Any]:
    long_name = "shared-networking-production-eu"
    return {
        "run_id": "20261122T031500Z-abcdef12",
        "cells": {"total": 3, "by_status": {"ok": 2, "assume_role_failed": 1}},
        "coverage_rows_by_status": {"ok": 32, "assume_role_failed": 1},
        "findings": {"total": 2, "by_check": {
            "elasticache-cluster-idle": {"flagged": 1, "insufficient_data": 0, "monthly_cost_usd": 12.5},
            "ebs-snapshot-orphaned": {"flagged": 1, "insufficient_data": 3, "monthly_cost_usd": 1.5},
        }},
        "top_findings_by_cost": [
            {"account_id": "210987654321", "account_name": long_name, "region": "ap-southeast-2",
             "check_id": "elb-idle", "resource_id": ALB_ARN, "monthly_cost_usd": 16.43},
            {"account_id": "109876543210", "account_name": None, "region": "eu-west-1",
             "check_id": "elasticache-cluster-idle", "resource_id": "orgsweep-demo-cache-0001",
             "monthly_cost_usd": 12.5},
        ],
        "api": {"api_calls": 10, "throttles": 0},
    }


def test_run_summary_tables_in_80_columns() -> None:
    out, buffer = console()
    print_summary(out, _summary(), location="s3://hub-results-bucket/prefix", query_args="--bucket hub")
    assert_whole(buffer.getvalue(), [
        "20261122T031500Z-abcdef12", "elasticache-cluster-idle", "ebs-snapshot-orphaned", "elb-idle",
        "210987654321", "109876543210", "ap-southeast-2", ALB_ARN, "orgsweep-demo-cache-0001", "assume_role_failed",
        "shared-networking-production-eu",
    ])


def test_doctor_table_in_80_columns() -> None:
    report = Report((
        CheckResult("identity", "arn:aws:sts::123456789012:assumed-role/OrgSweepOperator/jane.doe@example.com",
                    Status.PASS, "account 123456789012"),
        CheckResult("state-machine", STATE_MACHINE, Status.PASS, "ACTIVE"),
        CheckResult("member-role", "210987654321\nshared-networking-production-eu", Status.FAIL,
                    "denied by an explicit deny in a service control policy (p-2kgnabcd): an SCP on the calling "
                    "account 123456789012 (or an OU above it) denies sts:AssumeRole",
                    "let arn:aws:sts::123456789012:assumed-role/OrgSweepOperator/jane.doe@example.com call "
                    "sts:AssumeRole on arn:aws:iam::210987654321:role/OrgSweepReadOnly in that SCP",
                    account_id="210987654321"),
    ))
    out, buffer = console()
    render_doctor(out, report)
    assert_whole(buffer.getvalue(), [
        "arn:aws:sts::123456789012:assumed-role/OrgSweepOperator/jane.doe@example.com", STATE_MACHINE,
        "210987654321", "p-2kgnabcd", "arn:aws:iam::210987654321:role/OrgSweepReadOnly", "sts:AssumeRole",
    ])


def test_fit_columns_shares_the_spare_width_without_cutting_a_word() -> None:
    out, _ = console(60)
    table = Table()
    table.add_column("id", no_wrap=True)
    table.add_column("a")
    table.add_column("b")
    table.add_row("111111111111", "word " * 30, "incomprehensibilities " * 3)
    total = fit_columns(table, out)
    assert total == 60
    widths = [column.width for column in table.columns]
    assert widths[0] == 12 and widths[2] is not None and widths[2] >= len("incomprehensibilities")
    out, _ = console(20)  # narrower than the ids: the table is wider than the console, ids whole
    assert fit_columns(table, out) > 20 and table.columns[0].width == 12


def test_query_table_keeps_values_whole_and_literal(capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from orgsweep_local.cli.query import Format, _emit

    monkeypatch.setenv("COLUMNS", "80")
    rows = [{"account_id": "210987654321", "resource_arn": ALB_ARN, "region": "ap-southeast-2",
             "note": "[ok] kept as written, not read as rich markup " * 2}]
    _emit(list(rows[0]), rows, Format.TABLE)
    out = capsys.readouterr().out
    assert_whole(out, ["210987654321", ALB_ARN, "ap-southeast-2", "[ok]"])
