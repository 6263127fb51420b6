"""The local engine: plan → cells → aggregate in one process (DESIGN §2).

It calls the very functions the cloud engine's Lambdas call (`plan`, `scan_cell`,
`aggregate`) and writes the same layout to the same kind of store, so both engines produce
identical tables for the same fleet. Cells run on a ParallelExecutor: at most the preset's
`cell_concurrency` at a time, in manifest priority order.

Cancel (`cancel()`, safe from a signal handler): no new cell starts, running cells get
`drain_timeout_s` to finish, cells that did not run get a cell-level `cancelled` coverage
row, and what finished is aggregated as usual.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

from orgsweep.checks import build_checks
from orgsweep.clock import SYSTEM_CLOCK, Clock
from orgsweep.executor import ExecutorStats, ParallelExecutor, Task
from orgsweep.pipeline.aggregate import aggregate
from orgsweep.pipeline.execution_input import ExecutionInput
from orgsweep.pipeline.manifest import read_manifest
from orgsweep.pipeline.plan import PlanClients, plan
from orgsweep.pipeline.scan import scan_cell
from orgsweep.pipeline.types import Cell, CellSummary
from orgsweep.presets import get_preset
from orgsweep.storage.types import Storage
from orgsweep_local.engine.exceptions import EngineError
from orgsweep_local.engine.fallback import write_fallback_output
from orgsweep_local.engine.types import EngineProgress, EngineResult

#: Extra time a cell gets past its own budget before the executor gives up on it (scan_cell
#: stops itself at the budget; this covers writing its output).
CELL_GRACE_S = 30.0
#: How long a cancelled run waits for running cells before reporting them cancelled.
DEFAULT_DRAIN_TIMEOUT_S = 60.0

ProgressCallback = Callable[[EngineProgress], None]


class LocalEngine:
    """Run scans in this process. One engine runs one scan at a time."""

    def __init__(
        self,
        base_session: Any,
        storage: Storage,
        *,
        clock: Clock = SYSTEM_CLOCK,
        on_progress: ProgressCallback | None = None,
        plan_clients: PlanClients | None = None,
        drain_timeout_s: float = DEFAULT_DRAIN_TIMEOUT_S,
        max_workers: int | None = None,
    ) -> None:
        self.base_session = base_session
        self.storage = storage
        self.clock = clock
        self.on_progress = on_progress
        self.plan_clients = plan_clients
        self.drain_timeout_s = drain_timeout_s
        self.max_workers = max_workers
        self._executor: ParallelExecutor | None = None
        self._cancelled = threading.Event()
        self._lock = threading.Lock()
        self._findings = 0
        self._not_ok = 0

    def cancel(self) -> None:
        """Stop scheduling cells; safe from any thread and from a signal handler."""
        self._cancelled.set()
        executor = self._executor
        if executor is not None:
            executor.cancel(drain_timeout_s=self.drain_timeout_s)

    @property
    def cancel_requested(self) -> bool:
        return self._cancelled.is_set()

    def run(self, execution_input: ExecutionInput) -> EngineResult:
        """Plan, scan every cell, aggregate. Raises the pipeline's errors for bad input (nothing written)."""
        self._emit(EngineProgress(phase="planning"))
        clients = self.plan_clients or PlanClients.from_session(self.base_session)
        planned = plan(execution_input, clients=clients, storage=self.storage, clock=self.clock)
        run = planned.run
        cells = read_manifest(self.storage, planned.run_id)
        preset = get_preset(run.preset)
        checks = build_checks(list(run.checks_include), list(run.checks_exclude), run.checks_params)
        workers = self.max_workers or preset.cell_concurrency
        executor = ParallelExecutor(
            workers,
            task_timeout_s=preset.cell_time_budget_s + CELL_GRACE_S,
            clock=self.clock,
            on_progress=lambda stats: self._emit(self._progress(stats)),
        )
        self._executor = executor
        if self._cancelled.is_set():  # Ctrl-C while planning: scan nothing
            executor.cancel(drain_timeout_s=self.drain_timeout_s)

        def scan(cell: Cell) -> CellSummary:
            summary = scan_cell(self.base_session, cell, run, storage=self.storage, clock=self.clock, checks=checks)
            with self._lock:
                self._findings += summary.findings
                self._not_ok += summary.status != "ok"
            return summary

        by_key = {f"{c.account_id}/{c.region}": c for c in cells}
        tasks = [Task(key, cell, cell.priority) for key, cell in by_key.items()]
        try:
            result = executor.run(scan, tasks, drain_timeout_s=self.drain_timeout_s)
        finally:
            self._executor = None
        for outcome in result.outcomes:
            write_fallback_output(self.storage, planned.run_id, by_key[outcome.key], outcome, self.clock)
        self._emit(EngineProgress(phase="aggregating", total=len(cells), done=len(cells), findings=self._findings))
        try:
            aggregated = aggregate(planned.run_id, storage=self.storage)
            summary = json.loads(self.storage.get_bytes(aggregated.summary_key))
        except Exception as exc:
            raise EngineError(f"aggregating run {planned.run_id} failed: {exc}") from exc
        outcomes = Counter(str(o.status) for o in result.outcomes)
        self._emit(EngineProgress(phase="done", total=len(cells), done=len(cells), findings=aggregated.findings))
        return EngineResult(
            run_id=planned.run_id,
            plan=planned,
            aggregate=aggregated,
            summary=summary,
            cancelled=result.cancelled_count > 0,
            cell_outcomes=dict(sorted(outcomes.items())),
        )

    def _progress(self, stats: ExecutorStats) -> EngineProgress:
        done = stats.completed + stats.cancelled
        remaining = stats.pending + stats.running
        rate = stats.throughput_per_s
        with self._lock:
            findings, not_ok = self._findings, self._not_ok
        return EngineProgress(
            phase="scanning",
            total=stats.submitted,
            done=done,
            running=stats.running,
            cancelled=stats.cancelled,
            errors=stats.failed + stats.timed_out,
            not_ok=not_ok,
            findings=findings,
            elapsed_s=stats.elapsed_s,
            throughput_per_s=rate,
            eta_s=remaining / rate if rate > 0 else None,
            cancel_requested=self._cancelled.is_set(),
        )

    def _emit(self, progress: EngineProgress) -> None:
        if self.on_progress is not None:
            self.on_progress(progress)


__all__ = ["CELL_GRACE_S", "DEFAULT_DRAIN_TIMEOUT_S", "LocalEngine", "ProgressCallback"]
