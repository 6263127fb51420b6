"""Run the local engine under a progress bar and graceful Ctrl-C; shared by `scan` and `demo`."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from orgsweep_local.cli.context import Destination
from orgsweep_local.cli.exceptions import EXIT_CELLS_NOT_OK, EXIT_OK
from orgsweep_local.cli.progress import CellProgress, graceful_interrupt
from orgsweep_local.cli.render import print_summary
from orgsweep_local.engine import EngineResult, LocalEngine


def run_local(console: Console, execution_input: Any, session: Any, dest: Destination) -> EngineResult:
    with CellProgress(console) as bar:
        engine = LocalEngine(session, dest.storage, on_progress=bar.update)
        with graceful_interrupt(engine.cancel, console):
            result = engine.run(execution_input)
    if result.cancelled:
        console.print("[yellow]Cancelled: cells that did not run are recorded as `cancelled` in coverage.[/yellow]")
    print_summary(console, result.summary, location=dest.description, query_args=dest.query_args)
    return result


def exit_code(result: EngineResult) -> int:
    """0 when every cell is ok, 3 when the run finished with some cells not ok."""
    return EXIT_OK if result.all_cells_ok else EXIT_CELLS_NOT_OK


__all__ = ["exit_code", "run_local"]
