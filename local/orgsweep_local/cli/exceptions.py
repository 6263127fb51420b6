"""Errors of the command line, and the documented exit codes they map to."""

from orgsweep.exceptions import OrgSweepError

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_INVALID_INPUT = 2
EXIT_CELLS_NOT_OK = 3


class CliError(OrgSweepError):
    """A problem to report as one line, with the exit code it deserves."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


__all__ = ["EXIT_CELLS_NOT_OK", "EXIT_FAILURE", "EXIT_INVALID_INPUT", "EXIT_OK", "CliError"]
