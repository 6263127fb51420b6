"""`orgsweep checks`: the check catalogue."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from orgsweep_local.cli.errors import reported_errors
from orgsweep_local.cli.table_width import fit_columns, print_table


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"


def catalogue() -> list[dict[str, Any]]:
    """Every registered check as plain data: id, resource type, description, params with defaults, permissions."""
    from orgsweep.checks import all_checks

    return [
        {
            "id": cls.id,
            "resource_type": cls.resource_type,
            "description": cls.description,
            "params": cls.default_params(),
            "permissions": sorted(cls.permissions),
        }
        for cls in all_checks()
    ]


def _wide(rows: list[dict[str, Any]]) -> Table:
    """One column per field: for a terminal wide enough to show every id whole side by side."""
    table = Table(title=f"{len(rows)} checks", title_justify="left", show_lines=True)
    table.add_column("check", no_wrap=True, style="bold")
    table.add_column("description")
    table.add_column("resource type", no_wrap=True)
    table.add_column("params (default)", no_wrap=True)
    table.add_column("IAM permissions", no_wrap=True)
    for row in rows:
        params = "\n".join(f"{k}={v}" for k, v in row["params"].items()) or "-"
        table.add_row(row["id"], row["description"], row["resource_type"], params, "\n".join(row["permissions"]))
    return table


def _compact(rows: list[dict[str, Any]]) -> Table:
    """The check id, and everything else stacked beside it: fits 80 columns with every id whole."""
    table = Table(title=f"{len(rows)} checks", title_justify="left", show_lines=True)
    table.add_column("check", no_wrap=True, style="bold")
    table.add_column("details")
    for row in rows:
        params = ", ".join(f"{k}={v}" for k, v in row["params"].items()) or "-"
        details = (f"{row['description']}\n[dim]resource:[/dim] {row['resource_type']}\n"
                   f"[dim]params:[/dim] {params}\n[dim]IAM:[/dim] {' '.join(row['permissions'])}")
        table.add_row(row["id"], details)
    return table


def checks_table(rows: list[dict[str, Any]], console: Console) -> Table:
    """The wide table when it fits the console, else the compact one (ids never cut in either)."""
    wide = _wide(rows)
    return wide if fit_columns(wide, console) <= console.width else _compact(rows)


def checks(
    output_format: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.TABLE,
) -> None:
    """List the checks: id, resource type, parameters with their defaults, IAM permissions.

    Set a parameter for a run with `--param CHECK.NAME=VALUE` (scan, start), e.g.
    `--param ec2-instance-idle.cpu_pct=5`.
    """
    with reported_errors():
        rows = catalogue()
        if output_format is Format.JSON:
            typer.echo(json.dumps(rows, indent=2, sort_keys=True))
            return
        console = Console()
        print_table(console, checks_table(rows, console))

__all__ = ["catalogue", "checks", "checks_table"]
