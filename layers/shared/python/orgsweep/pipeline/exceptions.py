"""Errors of the pipeline steps (plan, scan a cell, aggregate)."""

from __future__ import annotations

from orgsweep.exceptions import OrgSweepError


class PipelineError(OrgSweepError):
    """Base class of pipeline errors."""


class InvalidPipelineInputError(PipelineError, ValueError):
    """A cell, run settings or other pipeline input that is malformed. `field` names the offending value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class InputValidationError(PipelineError, ValueError):
    """An execution input (or settings default) that is not valid; raised before anything is written.

    `field` is the path of the offending value, e.g. ``accounts.include[2]`` or
    ``checks.params.ec2-instance-idle.cpu_pct``; `problem` says what is wrong with it.
    """

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class PlanError(PipelineError):
    """Planning a run failed for a reason other than bad input (e.g. Organizations access denied)."""


class ManifestError(PipelineError):
    """A run's manifest (cells.json) or run metadata (run.json) is missing or malformed."""


class RawCellFormatError(PipelineError, ValueError):
    """A raw cell file that is not valid orgsweep.raw/1."""


class AggregateError(PipelineError):
    """Aggregating a run failed (e.g. its manifest is missing or malformed)."""


class DeadlineExceededError(PipelineError, TimeoutError):
    """A cell's time budget ran out before one of its steps finished."""


__all__ = [
    "AggregateError",
    "DeadlineExceededError",
    "InputValidationError",
    "InvalidPipelineInputError",
    "ManifestError",
    "PipelineError",
    "PlanError",
    "RawCellFormatError",
]
