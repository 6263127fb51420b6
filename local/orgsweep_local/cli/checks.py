"""`orgsweep checks`: the check catalogue."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from orgsweep_local.cli.errors import reported_errors


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
        table = Table(title=f"{len(rows)} checks", title_justify="left", show_lines=True)
        table.add_column("check", ratio=3)
        table.add_column("resource type", ratio=2)
        table.add_column("params (default)", ratio=2)
        table.add_column("IAM permissions", ratio=2)
        for row in rows:
            params = "\n".join(f"{k}={v}" for k, v in row["params"].items()) or "-"
            check = f"[bold]{row['id']}[/bold]\n[dim]{row['description']}[/dim]"
            table.add_row(check, row["resource_type"], params, "\n".join(row["permissions"]))
        Console().print(table)


__all__ = ["catalogue", "checks"]
