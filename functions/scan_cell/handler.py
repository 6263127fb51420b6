"""Scan-cell Lambda: one Distributed Map child = one (account, region) cell.

Event: {"cell": {account_id, account_name, region, priority}, "run": {run_id, role_name,
external_id, preset, checks: {include, exclude, params}}}, validated by the Powertools
parser (a bad event raises its ValidationError). Environment: ORGSWEEP_BUCKET,
ORGSWEEP_PREFIX (optional), ORGSWEEP_SAFETY_MARGIN_S (default 30), POWERTOOLS_SERVICE_NAME,
LOG_LEVEL. Returns the cell's CellSummary as a dict (counts only).

The cell's deadline is the Lambda's remaining time minus the safety margin, and never more
than the preset's cell time budget, so the output is always written before the timeout.
Check and cell faults are in the summary; only an infrastructure fault (the output cannot
be written) raises, so the state machine's Retry/Catch sees exactly those.
"""

# No `from __future__ import annotations`: pydantic resolves the models' annotations eagerly.
import os
from functools import cache
from typing import Annotated, Any

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import BaseModel, Field, event_parser, field_validator, model_validator
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ConfigDict

from orgsweep.checks import CheckError, build_checks
from orgsweep.clock import SYSTEM_CLOCK
from orgsweep.pipeline.scan import scan_cell
from orgsweep.pipeline.types import ACCOUNT_ID_PATTERN, REGION_PATTERN, Cell, RunSettings
from orgsweep.presets import DEFAULT_PRESET_NAME, UnknownPresetError, get_preset
from orgsweep.storage import s3_storage_from_environment
from orgsweep.storage.s3 import S3Storage

DEFAULT_SAFETY_MARGIN_S = 30.0

logger = Logger()
metrics = Metrics(namespace="OrgSweep")


class CellModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account_id: Annotated[str, Field(pattern=ACCOUNT_ID_PATTERN.pattern)]
    account_name: str = ""
    region: Annotated[str, Field(pattern=REGION_PATTERN.pattern)]
    priority: int = 0


class ChecksModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    include: list[str] = []
    exclude: list[str] = []
    params: dict[str, dict[str, Any]] = {}


class RunModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    run_id: Annotated[str, Field(min_length=1, max_length=128)]
    role_name: Annotated[str, Field(min_length=1, max_length=2048)]
    external_id: str | None = None
    preset: str = DEFAULT_PRESET_NAME
    checks: ChecksModel = Field(default_factory=ChecksModel)

    @field_validator("preset")
    @classmethod
    def _known_preset(cls, value: str) -> str:
        try:
            get_preset(value)
        except UnknownPresetError as exc:
            raise ValueError(str(exc)) from exc
        return value

    @model_validator(mode="after")
    def _known_checks(self) -> "RunModel":
        # Same validation as planning: unknown check ids or params are a bad event, not a cell fault.
        try:
            build_checks(self.checks.include, self.checks.exclude, self.checks.params)
        except CheckError as exc:
            raise ValueError(f"checks: {exc}") from exc
        return self


class ScanCellEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cell: CellModel
    run: RunModel


def safety_margin_s() -> float:
    raw = os.environ.get("ORGSWEEP_SAFETY_MARGIN_S")
    if raw is None or not raw.strip():
        return DEFAULT_SAFETY_MARGIN_S
    try:
        margin = float(raw)
    except ValueError as exc:
        raise ValueError(f"ORGSWEEP_SAFETY_MARGIN_S must be a number of seconds, got {raw!r}") from exc
    if not margin >= 0:
        raise ValueError(f"ORGSWEEP_SAFETY_MARGIN_S must be >= 0, got {raw!r}")
    return margin


def cell_budget_s(remaining_ms: int, margin_s: float, preset_budget_s: float) -> float:
    """Seconds the cell may use: the Lambda's remaining time minus the margin, within the preset's budget."""
    return max(0.0, min(remaining_ms / 1000.0 - margin_s, preset_budget_s))


@cache
def _base_session() -> boto3.Session:
    # One per sandbox: its model loader and STS client are reused by warm invocations.
    return boto3.Session()


def _storage(session: boto3.Session) -> S3Storage:
    return s3_storage_from_environment(os.environ, session.client("s3"))


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
@event_parser(model=ScanCellEvent)
def handler(event: ScanCellEvent, context: LambdaContext) -> dict[str, Any]:
    cell = Cell.from_dict(event.cell.model_dump())
    run = RunSettings.from_dict(event.run.model_dump())
    logger.append_keys(run_id=run.run_id, account_id=cell.account_id, region=cell.region)
    preset_budget_s = get_preset(run.preset).cell_time_budget_s
    budget = cell_budget_s(context.get_remaining_time_in_millis(), safety_margin_s(), preset_budget_s)
    session = _base_session()
    summary = scan_cell(
        session, cell, run, storage=_storage(session), deadline=SYSTEM_CLOCK.monotonic() + budget, clock=SYSTEM_CLOCK
    )
    metrics.add_metric(name="Findings", unit=MetricUnit.Count, value=summary.findings)
    metrics.add_metric(name="ApiCalls", unit=MetricUnit.Count, value=summary.api_calls)
    metrics.add_metric(name="Throttles", unit=MetricUnit.Count, value=summary.throttles)
    # Any status but ok means the cell's coverage is incomplete (partial included).
    metrics.add_metric(name="CellsFailed", unit=MetricUnit.Count, value=0 if summary.status == "ok" else 1)
    log = logger.info if summary.status == "ok" else logger.warning
    log("cell scanned", extra=summary.to_dict())
    return summary.to_dict()
