"""The pipeline steps shared by both engines: plan, scan a cell, aggregate.

Only boto3 + stdlib are imported here: aggregation pulls in pyarrow lazily when it runs.
"""

from orgsweep.pipeline.aggregate import AggregateResult, aggregate
from orgsweep.pipeline.defaults import RunDefaults
from orgsweep.pipeline.deployed import DeployedAccess
from orgsweep.pipeline.exceptions import (
    AggregateError,
    DeadlineExceededError,
    InputValidationError,
    InvalidPipelineInputError,
    ManifestError,
    PipelineError,
    PlanError,
    RawCellFormatError,
)
from orgsweep.pipeline.execution_input import ExecutionInput, parse_execution_input
from orgsweep.pipeline.manifest import RunMetadata, read_manifest, read_run_metadata
from orgsweep.pipeline.plan import ManifestLocation, PlanClients, PlanResult, plan
from orgsweep.pipeline.scan import scan_cell
from orgsweep.pipeline.types import Cell, CellSummary, RunSettings

__all__ = [
    "AggregateError",
    "AggregateResult",
    "Cell",
    "CellSummary",
    "DeadlineExceededError",
    "DeployedAccess",
    "ExecutionInput",
    "InputValidationError",
    "InvalidPipelineInputError",
    "ManifestError",
    "ManifestLocation",
    "PipelineError",
    "PlanClients",
    "PlanError",
    "PlanResult",
    "RawCellFormatError",
    "RunDefaults",
    "RunMetadata",
    "RunSettings",
    "aggregate",
    "parse_execution_input",
    "plan",
    "read_manifest",
    "read_run_metadata",
    "scan_cell",
]
