"""What the local engine reports while it runs and when it is done."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from orgsweep.pipeline.aggregate import AggregateResult
from orgsweep.pipeline.plan import PlanResult


@dataclass(frozen=True, slots=True)
class EngineProgress:
    """A snapshot for a progress display. `done` counts cells that reached an outcome.

    findings: flagged + insufficient_data findings of the cells done so far.
    errors: cells that failed or timed out (their coverage says why).
    eta_s: remaining cells / throughput; None until a cell finished.
    """

    phase: str  # planning | scanning | aggregating | done
    total: int = 0
    done: int = 0
    running: int = 0
    cancelled: int = 0
    errors: int = 0
    not_ok: int = 0
    findings: int = 0
    elapsed_s: float = 0.0
    throughput_per_s: float = 0.0
    eta_s: float | None = None
    cancel_requested: bool = False


@dataclass(frozen=True, slots=True)
class EngineResult:
    """A finished run: where its files are and summary.json's content."""

    run_id: str
    plan: PlanResult
    aggregate: AggregateResult
    summary: dict[str, Any]
    cancelled: bool  # some cells never ran (or were abandoned) because the run was cancelled
    cell_outcomes: dict[str, int] = field(default_factory=dict)  # executor status -> cells

    @property
    def cells_by_status(self) -> dict[str, int]:
        by_status: dict[str, int] = self.summary.get("cells", {}).get("by_status", {})
        return by_status

    @property
    def all_cells_ok(self) -> bool:
        statuses = self.cells_by_status
        return bool(statuses) and set(statuses) == {"ok"}


__all__ = ["EngineProgress", "EngineResult"]
