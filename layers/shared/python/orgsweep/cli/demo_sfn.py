"""`orgsweep demo --engine stepfunctions`: the synthesized workflow, executed by moto."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from orgsweep.cli.errors import CliError


def run_stepfunctions(console: Console, server: Any, document: dict[str, Any], dest: Any) -> tuple[str, int]:
    """Deploy the hub stack into the demo server, run one execution, copy its results to `dest`."""
    raise CliError("--engine stepfunctions is not available yet (waiting for the CDK app)")


__all__ = ["run_stepfunctions"]
