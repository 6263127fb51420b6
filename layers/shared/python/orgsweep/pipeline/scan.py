"""Scan one (account, region) cell: what each Distributed Map child (and each local worker) does.

    assume the member role ─ fails → one cell-level row `assume_role_failed` (`throttled` when
                             STS kept throttling, `region_disabled` when STS is off there)
    one LimiterSet + CallCounters + ClientFactory for the whole cell
    phase 1  every check's discover, in parallel (ParallelExecutor), each in its counting scope
    phase 2  every metric query of every check in ONE MetricBatcher → ceil(queries/500) calls
             per window, the physical minimum
    phase 3  evaluate each resource: flagged / insufficient_data → findings; all → inventory
    write RawCellOutput at raw/<run_id>/<account_id>/<region>.json.gz (a retry overwrites it)

A check's failure never escapes: it becomes that check's coverage status (see classify.py).
A region the account has not enabled makes every check fail alike, so it is reported as one
cell-level row `region_disabled`. Only a failure to write the output raises (StorageError),
so the Step Functions Retry/Catch sees exactly the infrastructure faults.

API calls on coverage rows: each check's own scope (discover), plus its share of the cell's
GetMetricData calls apportioned by number of metric queries (apportion.py); the rows sum to
the cell's total. The hub's sts:AssumeRole call is made before the cell's counters exist and
is not counted. A check's duration_ms is its discover plus its evaluate; the shared metric
fetch counts in the cell's duration only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from orgsweep.aws import CallCounters, ClientFactory, ServiceCounts, assume_role_session
from orgsweep.checks import Check, build_checks
from orgsweep.checks.daily import window_end as metric_end_time
from orgsweep.clock import SYSTEM_CLOCK, Clock, iso_utc
from orgsweep.executor import current_task_deadline
from orgsweep.metrics import MetricBatcher, MetricQuery, MetricSeries
from orgsweep.pipeline.apportion import apportion
from orgsweep.pipeline.cellcontext import CellContext, partition_for_region
from orgsweep.pipeline.classify import CELL_LEVEL_STATUSES, Failure, cell_status, classify
from orgsweep.pipeline.exceptions import InvalidPipelineInputError
from orgsweep.pipeline.phases import CheckRun, discover_all, evaluate_all, fetch_metrics, plan_queries
from orgsweep.pipeline.raw import RawCellOutput, Row
from orgsweep.pipeline.rows import (
    CoverageCounts,
    cell_level_row,
    coverage_row,
    finding_row,
    merge_inventory,
    sort_coverage,
    sort_findings,
)
from orgsweep.pipeline.types import Cell, CellSummary, RunSettings
from orgsweep.presets import get_preset
from orgsweep.ratelimit import LimiterSet
from orgsweep.storage.types import Storage
from orgsweep.types import CoverageStatus, Verdict

_FINDING_VERDICTS = frozenset({Verdict.FLAGGED, Verdict.INSUFFICIENT_DATA})


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def scan_cell(
    base_session: Any,
    cell: Cell,
    run: RunSettings,
    *,
    storage: Storage,
    deadline: float | None = None,
    clock: Clock = SYSTEM_CLOCK,
    checks: list[Check] | None = None,
    sts_region: str | None = None,
) -> CellSummary:
    """Scan `cell` with the run's settings, write its raw output to `storage`, return counts.

    `deadline` is a clock.monotonic() value (default: now + the preset's cell time budget, or
    the running ParallelExecutor task's deadline when that is sooner);
    `checks` overrides the run's check selection; `sts_region` the STS endpoint's region
    (default: the cell's). Bad run settings (unknown preset, check id or param) raise before
    anything is called; storage failures raise StorageError.
    """
    preset = get_preset(run.preset)
    if checks is None:
        checks = build_checks(list(run.checks_include), list(run.checks_exclude), run.checks_params)
    ids = [check.id for check in checks]
    if len(set(ids)) != len(ids):
        duplicate = next(i for i in ids if ids.count(i) > 1)
        raise InvalidPipelineInputError("checks", f"check id {duplicate!r} is given more than once")
    started = clock.monotonic()
    started_at = clock.now()
    if deadline is None:
        deadline = started + preset.cell_time_budget_s
        task_deadline = current_task_deadline()  # inside a ParallelExecutor task with a time limit
        if task_deadline is not None:
            deadline = min(deadline, task_deadline)
    partition = partition_for_region(cell.region)
    scan = _CellScan(cell, run, clock, started, started_at)

    try:
        session = assume_role_session(
            base_session,
            cell.account_id,
            run.role_name,
            run_id=run.run_id,
            region=sts_region or cell.region,
            external_id=run.external_id,
            partition=partition,
        )
    except Exception as exc:  # recorded as the cell's one coverage row, never raised
        failure = classify(exc)
        if failure.status not in CELL_LEVEL_STATUSES and failure.status is not CoverageStatus.THROTTLED:
            failure = Failure(CoverageStatus.ASSUME_ROLE_FAILED, failure.code, failure.message)
        return scan.finish_cell_level(storage, failure, ServiceCounts())

    counters = CallCounters()
    factory = ClientFactory(
        session,
        limiters=LimiterSet(preset, clock=clock),
        max_attempts=preset.max_attempts,
        max_pool_connections=preset.cell_concurrency,
        counters=counters,
        deadline=deadline,
        clock=clock,
    )
    ctx = CellContext(cell.account_id, cell.region, partition, started_at, factory)
    runs = [CheckRun(check) for check in sorted(checks, key=lambda c: c.id)]

    discover_all(runs, ctx, max_workers=preset.cell_concurrency, deadline=deadline, clock=clock)
    queries = plan_queries(runs)
    series: dict[MetricQuery, MetricSeries] = {}
    if queries and not _region_disabled(runs):
        # The checks' own window end (daily.window_end): the days a check reads are the days fetched.
        batcher = MetricBatcher(factory.client("cloudwatch", cell.region), end_time=metric_end_time(started_at))
        series = fetch_metrics(runs, batcher, queries, deadline=deadline, clock=clock)
    disabled = _region_disabled(runs)
    if disabled is not None:
        return scan.finish_cell_level(storage, disabled, counters.totals())
    evaluate_all(runs, series, ctx, clock)
    return scan.finish(storage, runs, counters)


def _region_disabled(runs: Sequence[CheckRun]) -> Failure | None:
    for run in runs:  # sorted by check id: the reported code is deterministic
        if run.failure is not None and run.failure.status is CoverageStatus.REGION_DISABLED:
            return run.failure
    return None


class _CellScan:
    """Assembles and writes one cell's output."""

    def __init__(self, cell: Cell, run: RunSettings, clock: Clock, started: float, started_at: datetime) -> None:
        self.cell, self.run, self.clock = cell, run, clock
        self.started, self.started_at = started, started_at

    def finish_cell_level(self, storage: Storage, failure: Failure, totals: ServiceCounts) -> CellSummary:
        duration_ms = _ms(self.clock.monotonic() - self.started)
        counts = CoverageCounts(0, totals.calls, totals.throttles, totals.retries, duration_ms)
        row = cell_level_row(
            self.run.run_id, self.cell, status=failure.status, counts=counts, error_code=failure.code,
            message=failure.message,
        )
        return self._write(storage, failure.status, totals, duration_ms, coverage=[row])

    def finish(self, storage: Storage, runs: Sequence[CheckRun], counters: CallCounters) -> CellSummary:
        run_id, cell = self.run.run_id, self.cell
        findings = [
            finding_row(
                run_id, cell, check_id=r.check_id, resource=resource, evaluation=evaluation,
                observed_at=self.started_at,
            )
            for r in runs
            for resource, evaluation in r.evaluations
            if evaluation.verdict in _FINDING_VERDICTS
        ]
        inventory = merge_inventory(run_id, cell, [(r.check_id, res) for r in runs for res in r.resources])
        totals = counters.totals()
        own = {r.check_id: counters.totals(r.check_id) for r in runs}
        shared = ServiceCounts()
        for scope in counters.scopes():
            if scope not in own:
                shared = shared + counters.totals(scope)
        weights = {r.check_id: r.distinct_queries for r in runs}
        calls = apportion(shared.calls, weights) if runs else {}
        throttles = apportion(shared.throttles, weights) if runs else {}
        retries = apportion(shared.retries, weights) if runs else {}
        coverage = []
        for r in runs:
            mine = own[r.check_id]
            counts = CoverageCounts(
                resources_evaluated=len(r.evaluations),
                api_calls=mine.calls + calls[r.check_id],
                throttles=mine.throttles + throttles[r.check_id],
                retries=mine.retries + retries[r.check_id],
                duration_ms=_ms(r.duration_s),
            )
            status = CoverageStatus.OK if r.failure is None else r.failure.status
            code = None if r.failure is None else r.failure.code
            message = None if r.failure is None else r.failure.message
            coverage.append(
                coverage_row(
                    run_id, cell, check_id=r.check_id, status=status, counts=counts, error_code=code,
                    error_message=message,
                )
            )
        status = cell_status(CoverageStatus(row["status"]) for row in coverage)
        duration_ms = _ms(self.clock.monotonic() - self.started)
        return self._write(
            storage, status, totals, duration_ms, findings=findings, inventory=inventory, coverage=coverage
        )

    def _write(
        self,
        storage: Storage,
        status: CoverageStatus,
        totals: ServiceCounts,
        duration_ms: int,
        *,
        findings: Sequence[Row] = (),
        inventory: Sequence[Row] = (),
        coverage: Sequence[Row] = (),
    ) -> CellSummary:
        output = RawCellOutput(
            run_id=self.run.run_id,
            account_id=self.cell.account_id,
            account_name=self.cell.account_name,
            region=self.cell.region,
            started_at=iso_utc(self.started_at) or "",
            finished_at=iso_utc(self.clock.now()) or "",
            status=str(status),
            findings=sort_findings(findings),
            inventory=list(inventory),
            coverage=sort_coverage(coverage),
        )
        key = output.write(storage)
        return CellSummary(
            run_id=self.run.run_id,
            account_id=self.cell.account_id,
            region=self.cell.region,
            status=str(status),
            findings=len(findings),
            resources=len(inventory),
            api_calls=totals.calls,
            throttles=totals.throttles,
            retries=totals.retries,
            duration_ms=duration_ms,
            key=key,
        )


__all__ = ["metric_end_time", "scan_cell"]
