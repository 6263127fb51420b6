"""Metric API calls for one 1,000-resource cell: batched GetMetricData vs per-query GetMetricStatistics.

Builds one (account, region) cell in the demo's embedded moto server (orgsweep_local.demo.DemoServer):
running instances with their root volumes, RDS instances, Lambda functions, NAT gateways,
ALBs/NLBs, ElastiCache clusters and interface endpoints — the resources of the checks that read
CloudWatch — and a sparse metric history (5% of the resources). Then, through a FaultProxy with
no faults (real HTTP; it records every request by SigV4 signing service and action):

  batched   orgsweep.pipeline.scan.scan_cell on the cell; the proxy counts "monitoring" requests
  baseline  one GetMetricStatistics per metric query the checks declare (discover + metric_queries,
            as scan_cell plans them), with the query's statistic, period and window, one at a time

and checks that both fetched the same datapoints. Prints a table (and writes JSON with --json).

    .venv/bin/python bench/bench_metric_calls.py                      # 1,000 resources
    .venv/bin/python bench/bench_metric_calls.py --resources 200 --seed 7 --json /tmp/metric-calls.json

Nothing leaves the machine: moto answers every call, with the demo's fake credentials.
The exit status is 1 when a sanity check fails (fetched data disagree, a different query set,
or more GetMetricData calls than the minimum), whatever the ratio.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # bench/ is a namespace package next to the library

from bench.metric_cell import FleetMix, build_metric_cell, metric_key, pick_with_history, write_history  # noqa: E402
from bench.metric_compare import Comparison, compare_series, fetch_baseline, minimum_calls  # noqa: E402
from bench.moto_child import use_fake_aws_credentials  # noqa: E402

from orgsweep.aws import ClientFactory, assume_role_session  # noqa: E402
from orgsweep.checks import Check, all_checks, build_checks  # noqa: E402
from orgsweep.checks.policy import member_role_policy, member_role_trust_policy  # noqa: E402
from orgsweep.clock import SYSTEM_CLOCK  # noqa: E402
from orgsweep.metrics import MetricBatcher, MetricQuery, MetricSeries  # noqa: E402
from orgsweep.pipeline.cellcontext import CellContext  # noqa: E402
from orgsweep.pipeline.phases import CheckRun, discover_all, plan_queries  # noqa: E402
from orgsweep.pipeline.scan import metric_end_time, scan_cell  # noqa: E402
from orgsweep.pipeline.types import Cell, RunSettings  # noqa: E402
from orgsweep.storage import LocalStorage  # noqa: E402
from orgsweep_local.demo import HUB_ACCOUNT_ID, MEMBER_ROLE_NAME, DemoServer, scoped_environ  # noqa: E402
from orgsweep_local.demo.faults import FaultProxy, RequestRecord  # noqa: E402

ACCOUNT_ID = "111111111111"
REGION = "eu-west-1"
GOAL_RATIO = 100
HISTORY_FRACTION = 0.05
_PLANNING_BUDGET_S = 600.0


@dataclass
class FetchCapture:
    """What the scan's MetricBatcher fetched, how long it took and how many calls it counted."""

    series: dict[MetricQuery, MetricSeries] = field(default_factory=dict)
    seconds: float = 0.0
    calls_made: int = 0
    end_time: datetime | None = None


@contextmanager
def captured_batched_fetch() -> Iterator[FetchCapture]:
    """Time MetricBatcher.fetch and keep its series while the block runs (scan_cell builds its own batcher)."""
    capture = FetchCapture()
    original = MetricBatcher.fetch

    def timed_fetch(batcher: MetricBatcher) -> dict[MetricQuery, MetricSeries]:
        started = time.perf_counter()
        try:
            result = original(batcher)
        finally:
            capture.seconds += time.perf_counter() - started
        capture.series.update(result)
        capture.calls_made = batcher.calls_made
        capture.end_time = batcher.end_time
        return result

    MetricBatcher.fetch = timed_fetch  # type: ignore[method-assign, assignment]
    try:
        yield capture
    finally:
        MetricBatcher.fetch = original  # type: ignore[method-assign]


def metric_check_ids() -> list[str]:
    """The checks that declare metric queries (they override Check.metric_queries)."""
    return sorted(c.id for c in all_checks() if c.metric_queries is not Check.metric_queries)


def _monitoring(record: RequestRecord) -> bool:
    return record.service == "monitoring"


def _member_role(session: Any) -> None:
    """The scanner's read-only role in the member account, as the demo creates it."""
    iam = session.client("iam")
    iam.create_role(
        RoleName=MEMBER_ROLE_NAME, AssumeRolePolicyDocument=json.dumps(member_role_trust_policy(HUB_ACCOUNT_ID))
    )
    iam.put_role_policy(
        RoleName=MEMBER_ROLE_NAME, PolicyName="orgsweep-read-only", PolicyDocument=json.dumps(member_role_policy())
    )


def plan_cell(session: Any, check_ids: Sequence[str], now: datetime) -> list[list[MetricQuery]]:
    """Each discovered resource's metric queries, as scan_cell plans them (discover_all + plan_queries)."""
    runs = [CheckRun(check) for check in sorted(build_checks(list(check_ids)), key=lambda c: c.id)]
    ctx = CellContext(ACCOUNT_ID, REGION, "aws", now, ClientFactory(session))
    deadline = SYSTEM_CLOCK.monotonic() + _PLANNING_BUDGET_S
    discover_all(runs, ctx, max_workers=len(runs), deadline=deadline, clock=SYSTEM_CLOCK)
    plan_queries(runs)
    failed = {run.check_id: run.failure for run in runs if run.failure is not None}
    if failed:
        raise RuntimeError(f"planning the baseline failed: {failed}")
    return [list(per_resource) for run in runs for per_resource in run.queries]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resources", type=int, default=1000, help="resources in the cell (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="seeds moto's ids and the metric history (default 0)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    use_fake_aws_credentials()  # a user's AWS profile or config must not change where (or as whom) anything goes

    mix = FleetMix.for_total(args.resources)
    check_ids = metric_check_ids()
    started_at = datetime.now(UTC)
    end_time = metric_end_time(started_at)
    figures: dict[str, Any] = {"resources": mix.resources, "mix": mix.describe(), "checks": check_ids}
    with DemoServer(id_seed=args.seed) as server, scoped_environ({"AWS_ENDPOINT_URL": server.endpoint_url}):
        hub = server.session(REGION)
        t0 = time.perf_counter()
        setup = assume_role_session(hub, ACCOUNT_ID, "bench-setup", run_id="bench-setup", region=REGION)
        build_metric_cell(setup, REGION, mix)
        _member_role(setup)
        figures["build_s"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        member = assume_role_session(hub, ACCOUNT_ID, MEMBER_ROLE_NAME, run_id="bench-plan", region=REGION)
        per_resource = plan_cell(member, check_ids, started_at)
        queries = sorted({q for qs in per_resource for q in qs}, key=repr)
        chosen = pick_with_history(per_resource, HISTORY_FRACTION, args.seed)
        with_history = {q for index in chosen for q in per_resource[index]}
        datums, written = write_history(setup.client("cloudwatch"), with_history, end_time, random.Random(args.seed))
        expected_with_data = sum(metric_key(q) in written for q in queries)
        figures["plan_and_history_s"] = time.perf_counter() - t0

        with FaultProxy(server.endpoint_url) as proxy, scoped_environ({"AWS_ENDPOINT_URL": proxy.endpoint_url}):
            run = RunSettings("bench-metric-calls", MEMBER_ROLE_NAME, checks_include=tuple(check_ids))
            with tempfile.TemporaryDirectory() as tmp, captured_batched_fetch() as batched:
                t0 = time.perf_counter()
                summary = scan_cell(
                    hub,
                    Cell(ACCOUNT_ID, "bench", REGION),
                    run,
                    storage=LocalStorage(tmp),
                    checks=build_checks(check_ids),
                )
                scan_s = time.perf_counter() - t0
            batched_requests = proxy.counts(_monitoring)
            proxy.clear_records()

            client = assume_role_session(
                hub, ACCOUNT_ID, MEMBER_ROLE_NAME, run_id="bench-baseline", region=REGION
            ).client("cloudwatch", region_name=REGION)
            t0 = time.perf_counter()
            baseline = fetch_baseline(client, queries, end_time)
            baseline_s = time.perf_counter() - t0
            baseline_requests = proxy.counts(_monitoring)

    comparison: Comparison = compare_series(queries, batched.series, baseline, end_time)
    get_metric_data = batched_requests[("monitoring", "GetMetricData")]
    get_metric_statistics = baseline_requests[("monitoring", "GetMetricStatistics")]
    minimum = minimum_calls(queries)
    ratio = get_metric_statistics / get_metric_data if get_metric_data else None  # None: nothing batched
    figures.update(
        resources_discovered=len(per_resource),
        metric_queries=len(queries),
        queries_by_window_days={str(k): v for k, v in sorted(minimum.by_window.items())},
        resources_with_history=len(chosen),
        datums_written=datums,
        scan_status=summary.status,
        scan_s=scan_s,
        batched_fetch_s=batched.seconds,
        batched_monitoring_requests={action: n for (_, action), n in sorted(batched_requests.items())},
        get_metric_data_calls=get_metric_data,
        minimum_get_metric_data_calls=minimum.calls,
        baseline_fetch_s=baseline_s,
        baseline_monitoring_requests={action: n for (_, action), n in sorted(baseline_requests.items())},
        get_metric_statistics_calls=get_metric_statistics,
        ratio=ratio,
        goal_ratio=GOAL_RATIO,
        series_with_data=comparison.with_data,
        series_expected_with_data=expected_with_data,
        series_agreeing=comparison.agreeing,
        series_mismatches=[f"{query}: {why}" for query, why in comparison.mismatches],
        scan_only_queries=len(set(batched.series) - set(queries)),
        baseline_only_queries=len(set(queries) - set(batched.series)),
        scan_end_time=batched.end_time.isoformat() if batched.end_time else None,
        end_time=end_time.isoformat(),
    )
    problems = _report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
        print(f"figures written to {args.json}")
    return 1 if problems else 0


def _report(f: dict[str, Any]) -> list[str]:
    """Print the table and the sanity checks; return the failed checks."""
    print(f"cell {ACCOUNT_ID}/{REGION}: {f['resources']} resources ({f['mix']})")
    print(f"checks: {', '.join(f['checks'])}")
    print(
        f"build {f['build_s']:.1f} s; plan + history {f['plan_and_history_s']:.1f} s "
        f"({f['resources_with_history']} resources with history, {f['datums_written']} datums); "
        f"scan_cell {f['scan_s']:.1f} s, status {f['scan_status']}"
    )
    print()
    print(f"{'':34}{'batched (scan_cell)':>22}{'baseline (per query)':>22}")
    print(f"{'resources':34}{f['resources_discovered']:>22,}{f['resources_discovered']:>22,}")
    print(f"{'metric queries':34}{f['metric_queries']:>22,}{f['metric_queries']:>22,}")
    print(f"{'GetMetricData calls':34}{f['get_metric_data_calls']:>22,}{'-':>22}")
    print(f"{'GetMetricStatistics calls':34}{'-':>22}{f['get_metric_statistics_calls']:>22,}")
    print(f"{'wall time of the metric fetch':34}{f['batched_fetch_s']:>20.2f} s{f['baseline_fetch_s']:>20.2f} s")
    print()
    windows = ", ".join(f"{days} d: {n}" for days, n in f["queries_by_window_days"].items())
    print(
        f"minimum GetMetricData calls = sum over windows of ceil(queries / 500) = {f['minimum_get_metric_data_calls']}"
        f"  (queries per window {windows})"
    )
    if f["ratio"] is None:
        print("ratio GetMetricStatistics / GetMetricData: undefined (no GetMetricData call)")
    else:
        met = "met" if f["ratio"] >= f["goal_ratio"] else "NOT met"
        print(f"ratio GetMetricStatistics / GetMetricData = {f['ratio']:.1f}x (goal >= {f['goal_ratio']}x: {met})")
    print(
        f"series compared: {f['metric_queries']}, with data {f['series_with_data']} "
        f"(history written for {f['series_expected_with_data']}), "
        f"agreeing {f['series_agreeing']}, mismatching {len(f['series_mismatches'])}"
    )
    problems: list[str] = []
    if f["scan_status"] != "ok":
        problems.append(f"scan_cell finished with status {f['scan_status']}")
    if f["get_metric_data_calls"] != f["minimum_get_metric_data_calls"]:
        problems.append(
            f"GetMetricData calls {f['get_metric_data_calls']} != minimum {f['minimum_get_metric_data_calls']}"
        )
    for label in ("batched_monitoring_requests", "baseline_monitoring_requests"):
        others = {a: n for a, n in f[label].items() if a not in ("GetMetricData", "GetMetricStatistics")}
        if others:
            problems.append(f"other CloudWatch requests in the {label.split('_')[0]} fetch: {others}")
    if f["scan_only_queries"] or f["baseline_only_queries"]:
        problems.append(
            f"query sets differ: {f['scan_only_queries']} only in the scan, "
            f"{f['baseline_only_queries']} only in the baseline"
        )
    if f["scan_end_time"] != f["end_time"]:
        problems.append(f"the scan's metric window ends {f['scan_end_time']}, the baseline's {f['end_time']}")
    if f["series_with_data"] != f["series_expected_with_data"]:
        problems.append(f"{f['series_with_data']} series had data, {f['series_expected_with_data']} were written")
    problems += [f"series mismatch: {m}" for m in f["series_mismatches"][:10]]
    if len(f["series_mismatches"]) > 10:
        problems.append(f"... and {len(f['series_mismatches']) - 10} more mismatches")
    for problem in problems:
        print(f"CHECK FAILED: {problem}")
    if not problems:
        print("sanity checks passed: same queries, same window, same datapoints, batched count = minimum")
    return problems


if __name__ == "__main__":
    sys.exit(main())
