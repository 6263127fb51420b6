"""Benchmark one cell scan: 2,000 instances + 2,000 attached volumes with metric history, in moto.

Builds the cell in an in-process moto (`mock_aws`), then runs `orgsweep.pipeline.scan.scan_cell`
once with the real clock (so the per-service token buckets really wait) and reports wall time,
peak memory, API calls and GetMetricData calls next to the minimum ceil(queries / 500) per window.

    .venv/bin/python bench/bench_scan_cell.py                          # 2,000 instances, every check
    .venv/bin/python bench/bench_scan_cell.py --instances 500 --checks ec2-instance-idle,ebs-volume-idle
    .venv/bin/python bench/bench_scan_cell.py --tracemalloc            # Python-heap peak of the scan (slower)
    .venv/bin/python bench/bench_scan_cell.py --profile /tmp/scan.prof # cProfile of the scan

Nothing leaves the process: moto answers every AWS call, with fake credentials.
"""

from __future__ import annotations

import argparse
import cProfile
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the fleet builders live with the functional tests

from bench.moto_child import RequestCounter, rss_mib, use_fake_aws_credentials  # noqa: E402

use_fake_aws_credentials()  # never reach a real AWS endpoint

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402
from tests.functional.scan_bigcell import QueryRecorder, build_big_cell  # noqa: E402
from tests.functional.scan_fleet import ACCOUNT_ID, REGION, member_session  # noqa: E402

from orgsweep.checks import build_checks  # noqa: E402
from orgsweep.pipeline.raw import read_raw_cell  # noqa: E402
from orgsweep.pipeline.scan import metric_end_time, scan_cell  # noqa: E402
from orgsweep.pipeline.types import Cell, RunSettings  # noqa: E402
from orgsweep.storage import LocalStorage  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instances", type=int, default=2000, help="running instances (each with a volume)")
    parser.add_argument("--history", type=int, default=20, help="instances and volumes given metric data")
    parser.add_argument("--checks", default="", help="comma-separated check ids (default: every check)")
    parser.add_argument("--preset", default="default", help="conservative | default | aggressive")
    parser.add_argument("--tracemalloc", action="store_true", help="measure the scan's Python-heap peak")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the scan here")
    args = parser.parse_args()

    counter = RequestCounter().install()
    include = [c for c in args.checks.split(",") if c]
    run = RunSettings("bench-run", "OrgSweepReadOnly", preset=args.preset, checks_include=tuple(include))
    started_at = datetime.now(UTC)

    with mock_aws(), tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        cell = build_big_cell(member_session(), metric_end_time(started_at), instances=args.instances,
                              history=args.history)
        build_s = time.perf_counter() - t0
        storage = LocalStorage(tmp)
        checks = build_checks(list(run.checks_include))
        recorder = QueryRecorder(checks)
        counter.sent.clear()
        rss_before = rss_mib()
        if args.tracemalloc:
            tracemalloc.start()
        profiler = cProfile.Profile() if args.profile else None
        t0 = time.perf_counter()
        if profiler:
            profiler.enable()
        summary = scan_cell(boto3.Session(), Cell(ACCOUNT_ID, "bench", REGION), run, storage=storage, checks=checks)
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        scan_s = time.perf_counter() - t0
        heap_peak = tracemalloc.get_traced_memory()[1] / 2**20 if args.tracemalloc else None
        output = read_raw_cell(storage, summary.key)
        raw_size = len(storage.get_bytes(summary.key))

    print(f"cell: {len(cell.instances)} instances, {len(cell.volumes)} volumes, "
          f"{args.history} of each with metric history; checks: {len(checks)}; preset: {run.preset}")
    print(f"build fleet in moto:   {build_s:8.2f} s")
    print(f"scan_cell wall time:   {scan_s:8.2f} s   status={summary.status}")
    print(f"peak RSS (process):    {rss_mib():8.1f} MiB (before scan {rss_before:.1f} MiB; includes moto)")
    if heap_peak is not None:
        print(f"scan Python-heap peak: {heap_peak:8.1f} MiB (tracemalloc)")
    print(f"API calls:             {summary.api_calls:8d}   throttles={summary.throttles} retries={summary.retries}")
    print(f"GetMetricData calls:   {counter.sent['cloudwatch.GetMetricData']:8d}   "
          f"minimum ceil(queries/500) per window = {recorder.minimum_calls()} "
          f"(queries by lookback days: {dict(sorted(recorder.by_window().items()))})")
    print(f"findings / inventory:  {summary.findings} / {summary.resources}; raw object {raw_size / 1024:.0f} KiB")
    slow = sorted(output.coverage, key=lambda r: -r["duration_ms"])[:3]
    print("slowest checks:        " + ", ".join(f"{r['check_id']} {r['duration_ms']} ms" for r in slow))


if __name__ == "__main__":
    main()
