"""The three phases of a cell: discover (parallel) → one batched metric fetch → evaluate.

Each check's progress lives in a `CheckRun`; a phase never raises for a check's fault, it
records a classified `Failure` on that check's run and moves on. Time is bounded by the
cell's deadline (a clock.monotonic() value): a phase still running at the deadline is
abandoned and the checks it had not finished get `timeout`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from orgsweep.aws import counting_scope
from orgsweep.checks import Check, CheckContext, Evaluation, Resource
from orgsweep.clock import Clock
from orgsweep.executor import ParallelExecutor, Task
from orgsweep.metrics import MetricBatcher, MetricQuery, MetricSeries
from orgsweep.pipeline.classify import DEADLINE_ERROR_CODE, Failure, classify
from orgsweep.pipeline.waiting import run_until
from orgsweep.types import CoverageStatus

#: Counting scope of the cell's shared GetMetricData calls (never a check id: ids have no parentheses).
METRICS_SCOPE = "(metrics)"


@dataclass(slots=True)
class CheckRun:
    """One check's progress through the phases of a cell."""

    check: Check
    resources: list[Resource] = field(default_factory=list)
    discovered: bool = False
    failure: Failure | None = None
    duration_s: float = 0.0
    #: Metric queries of each resource, aligned with `resources`.
    queries: list[tuple[MetricQuery, ...]] = field(default_factory=list)
    evaluations: list[tuple[Resource, Evaluation]] = field(default_factory=list)

    @property
    def check_id(self) -> str:
        return self.check.id

    @property
    def distinct_queries(self) -> int:
        return len({q for per_resource in self.queries for q in per_resource})

    @property
    def ok(self) -> bool:
        return self.failure is None


def _deadline_failure(what: str) -> Failure:
    return Failure(CoverageStatus.TIMEOUT, DEADLINE_ERROR_CODE, f"the cell's time budget ran out {what}")


def discover_all(
    runs: Sequence[CheckRun], ctx: CheckContext, *, max_workers: int, deadline: float, clock: Clock
) -> None:
    """Run every check's discover concurrently, each under its own counting scope."""
    if not runs:
        return
    lock = threading.Lock()
    finished: set[str] = set()

    def discover_one(run: CheckRun) -> None:
        started = clock.monotonic()
        with counting_scope(run.check_id):
            try:
                resources = list(run.check.discover(ctx))
            except Exception as exc:  # a check's fault is recorded on its run, never raised
                failure: Failure | None = classify(exc)
                resources = []
            else:
                failure = None
        with lock:
            if run.check_id in finished:
                return  # finished after the deadline: the run was already marked timed out
            run.resources, run.failure, run.discovered = resources, failure, failure is None
            run.duration_s += clock.monotonic() - started
            finished.add(run.check_id)

    executor = ParallelExecutor(max(1, min(max_workers, len(runs))), clock=clock)
    tasks = [Task(key=run.check_id, payload=run) for run in runs]
    outcome = run_until(lambda: executor.run(discover_one, tasks), deadline, clock, name="orgsweep-discover")
    if not outcome.finished:
        executor.cancel()  # start nothing more; what is running is abandoned
    with lock:
        for run in runs:
            if run.check_id in finished:
                continue
            if not outcome.finished:
                run.failure = _deadline_failure("before the check finished discovering resources")
            elif outcome.error is not None:
                run.failure = classify(outcome.error)
            else:
                run.failure = Failure(CoverageStatus.CANCELLED, "Cancelled", "the check was never started")
            # A late discover must not overwrite the verdict recorded here.
            finished.add(run.check_id)


def plan_queries(runs: Sequence[CheckRun]) -> list[MetricQuery]:
    """Ask each discovered check for its resources' metric queries; all queries in check order."""
    every: list[MetricQuery] = []
    for run in runs:
        if not run.ok:
            continue
        try:
            run.queries = [tuple(run.check.metric_queries(resource)) for resource in run.resources]
        except Exception as exc:
            run.queries, run.failure = [], classify(exc)
            continue
        for per_resource in run.queries:
            every.extend(per_resource)
    return every


def fetch_metrics(
    runs: Sequence[CheckRun], batcher: MetricBatcher, queries: Sequence[MetricQuery], *, deadline: float, clock: Clock
) -> dict[MetricQuery, MetricSeries]:
    """One fetch for the whole cell. Checks left without a series for one of their queries get
    the fetch's failure; checks without metric queries (or whose series all arrived) are untouched."""
    if not queries:
        return {}
    failure: Failure | None = None
    try:
        batcher.add_many(queries)
    except Exception as exc:  # a malformed query: every check that asked for metrics shares the blame
        failure = classify(exc)
    else:
        if clock.monotonic() >= deadline:
            failure = _deadline_failure("before the metric fetch")
        else:

            def fetch() -> dict[MetricQuery, MetricSeries]:
                with counting_scope(METRICS_SCOPE):
                    return batcher.fetch()

            outcome = run_until(fetch, deadline, clock, name="orgsweep-metrics")
            if not outcome.finished:
                failure = _deadline_failure("while metrics were being fetched")
            elif outcome.error is not None:
                failure = classify(outcome.error)
    series = batcher.results()
    if failure is not None:
        for run in runs:
            if run.ok and any(q not in series for per_resource in run.queries for q in per_resource):
                run.failure = failure
    return series


def evaluate_all(
    runs: Sequence[CheckRun], series: Mapping[MetricQuery, MetricSeries], ctx: CheckContext, clock: Clock
) -> None:
    """Evaluate every resource of every check still ok (local work: no AWS calls, no deadline)."""
    for run in runs:
        if not run.ok:
            continue
        started = clock.monotonic()
        failed = 0
        first_error: BaseException | None = None
        for index, resource in enumerate(run.resources):
            wanted = run.queries[index] if index < len(run.queries) else ()
            metrics = {q: series[q] for q in wanted}
            try:
                run.evaluations.append((resource, run.check.evaluate(resource, metrics, ctx)))
            except Exception as exc:  # one bad resource does not hide the others' findings
                failed += 1
                first_error = first_error or exc
        if first_error is not None:
            base = classify(first_error)
            message = f"{failed} of {len(run.resources)} resources could not be evaluated: {base.message}"
            run.failure = Failure(CoverageStatus.ERROR, base.code, message)
        run.duration_s += clock.monotonic() - started


__all__ = ["METRICS_SCOPE", "CheckRun", "discover_all", "evaluate_all", "fetch_metrics", "plan_queries"]
