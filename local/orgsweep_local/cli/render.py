"""Rich output of a finished run: totals, findings by check, the costliest findings, coverage."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from orgsweep_local.cli.table_width import print_table

TOP_ROWS = 10


def money(value: float | None) -> str:
    return f"${value or 0:,.2f}"


def _findings_by_check(summary: Mapping[str, Any]) -> Table:
    table = Table(title="Findings by check", title_justify="left")
    table.add_column("check", no_wrap=True)
    table.add_column("flagged", justify="right", no_wrap=True)
    table.add_column("insufficient data", justify="right")
    table.add_column("est. monthly cost", justify="right")
    by_check: Mapping[str, Any] = summary.get("findings", {}).get("by_check", {})
    for check_id, counts in sorted(by_check.items(), key=lambda kv: (-kv[1].get("monthly_cost_usd", 0), kv[0])):
        table.add_row(
            check_id,
            str(counts.get("flagged", 0)),
            str(counts.get("insufficient_data", 0)),
            money(counts.get("monthly_cost_usd")),
        )
    if not by_check:
        table.add_row("(no findings)", "0", "0", money(0))
    return table


def _top_findings(summary: Mapping[str, Any]) -> Table:
    table = Table(title=f"Top {TOP_ROWS} by estimated monthly cost", title_justify="left")
    # Ids are copied from here: no_wrap columns are never cut (table_width), the name may wrap.
    for name in ("account", "region", "check", "resource"):
        table.add_column(name, no_wrap=True)
    table.add_column("$/month", justify="right", no_wrap=True)
    for row in summary.get("top_findings_by_cost", [])[:TOP_ROWS]:
        name = row.get("account_name")
        account = f"{row['account_id']}\n{name}" if name and name != row["account_id"] else str(row["account_id"])
        table.add_row(account, row["region"], row["check_id"], row["resource_id"], money(row.get("monthly_cost_usd")))
    return table


def _coverage(summary: Mapping[str, Any]) -> Table:
    table = Table(title="Coverage", title_justify="left")
    table.add_column("status", no_wrap=True)
    table.add_column("cells", justify="right")
    table.add_column("(account, region, check) rows", justify="right")
    cells: Mapping[str, int] = summary.get("cells", {}).get("by_status", {})
    rows: Mapping[str, int] = summary.get("coverage_rows_by_status", {})
    for status in sorted(set(cells) | set(rows)):
        style = "green" if status == "ok" else "yellow"
        table.add_row(f"[{style}]{status}[/{style}]", str(cells.get(status, 0)), str(rows.get(status, 0)))
    return table


def totals_line(summary: Mapping[str, Any]) -> str:
    cells = summary.get("cells", {}).get("total", 0)
    findings = summary.get("findings", {}).get("total", 0)
    resources = summary.get("inventory", {}).get("total", 0)
    cost = summary.get("estimated_monthly_cost_usd", {}).get("total", 0.0)
    api = summary.get("api", {})
    wall = summary.get("duration", {}).get("wall_s")
    took = f" in {wall:.1f}s" if isinstance(wall, int | float) else ""
    return (
        f"Run {summary.get('run_id')}: {cells} cells, {resources} resources, {findings} findings, "
        f"est. {money(cost)}/month idle; {api.get('api_calls', 0)} API calls, "
        f"{api.get('throttles', 0)} throttles{took}."
    )


def print_summary(console: Console, summary: Mapping[str, Any], *, location: str, query_args: str) -> None:
    console.print()
    console.print(f"[bold]{totals_line(summary)}[/bold]")
    print_table(console, _findings_by_check(summary))
    if summary.get("top_findings_by_cost"):
        print_table(console, _top_findings(summary))
    print_table(console, _coverage(summary))
    not_ok = {k: v for k, v in summary.get("cells", {}).get("by_status", {}).items() if k != "ok"}
    if not_ok:
        detail = ", ".join(f"{n} {status}" for status, n in sorted(not_ok.items()))
        console.print(f"[yellow]Some cells are not ok ({detail}): see the coverage table.[/yellow]")
    # soft_wrap: rich inserts no line break, so a long path or command is copied whole.
    console.print(f"Results: {location}", soft_wrap=True)
    command = command_name()
    console.print(
        f"Explore: [bold]{command} query top_idle_by_cost {query_args}[/bold]  (or `{command} query {query_args}`)",
        soft_wrap=True,
    )


def command_name(argv0: str | None = None) -> str:
    """How to run this CLI again: `orgsweep` when that is on PATH, else the path it was started by
    (e.g. `.venv/bin/orgsweep` from `make demo`), so the printed line works when pasted."""
    started_by = argv0 if argv0 is not None else sys.argv[0]
    on_path = shutil.which("orgsweep")
    if not started_by.endswith("orgsweep"):
        return "orgsweep"
    if on_path and Path(on_path).resolve() == Path(started_by).resolve():
        return "orgsweep"
    return started_by


__all__ = ["TOP_ROWS", "command_name", "money", "print_summary", "totals_line"]
