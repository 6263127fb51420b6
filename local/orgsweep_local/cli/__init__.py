"""The `orgsweep` command line (typer + rich, imported only when the CLI runs).

Entry point: `orgsweep_local.cli.app:main`. Exit codes: 0 success (every cell ok), 1 failure,
2 invalid input (nothing written), 3 the run finished but some cells are not `ok`.
"""

from orgsweep_local.cli.exceptions import EXIT_CELLS_NOT_OK, EXIT_FAILURE, EXIT_INVALID_INPUT, EXIT_OK, CliError
from orgsweep_local.cli.types import Destination, Engine, ExecutionProgress, InputOptions

__all__ = [
    "EXIT_CELLS_NOT_OK",
    "EXIT_FAILURE",
    "EXIT_INVALID_INPUT",
    "EXIT_OK",
    "CliError",
    "Destination",
    "Engine",
    "ExecutionProgress",
    "InputOptions",
]
