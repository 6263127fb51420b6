"""Wall time and cost of one sweep of 2,000 accounts x 17 regions on AWS, from measured cells.

Inputs, all measured on this machine:
- per-cell scan duration and API calls: the sequential loop of `bench_engine_speedup.py`
  (demo cells, 50 ms added to every AWS call), read from its --json file;
- the heavy cell: `bench_cell_10k.py` --json (10,000 resources in one cell);
- what one populated cell asks of AWS (API calls per service, CloudWatch metrics requested,
  raw output size): measured here by scanning one demo cell through the fault proxy;
- the handler's cold-start import time (Lambda bills INIT).
Prices and quotas are the cited constants below (docs/cost-model.md lists the sources).

    .venv/bin/python bench/bench_engine_speedup.py --json /tmp/speedup.json
    .venv/bin/python bench/bench_cell_10k.py --json /tmp/cell10k.json
    .venv/bin/python bench/cost_model.py --speedup /tmp/speedup.json --cell10k /tmp/cell10k.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.functional.scan_bigcell (the query recorder)

# Prices (us-east-1 list; docs/cost-model.md cites each).
LAMBDA_PER_REQUEST = 0.20 / 1e6  # P1
LAMBDA_PER_GB_S = 0.0000166667  # P2 (x86_64)
SFN_PER_TRANSITION = 0.025 / 1000  # P3
GMD_PER_METRIC = 0.01 / 1000  # P5
LOGS_PER_GB = 0.50  # P7
S3_PER_PUT = 0.005 / 1000  # P8
S3_PER_GET = 0.0004 / 1000  # P8
# Quotas and settings.
LAMBDA_CONCURRENCY = 1000  # Q1
MAP_CHILD_START_PER_S = 100.0  # Q6 (unverified; DESIGN §6)
STS_ASSUME_ROLE_PER_S = 600.0  # Q7 (unverified)
SFN_TRANSITION_REFILL_PER_S = 1500.0  # Q5
SCAN_CELL_MEMORY_GB = 1.0  # infra settings: scan_cell_memory_mb = 1024
AGGREGATE_MEMORY_GB = 2.0  # aggregate_memory_mb = 2048
#: State transitions a cell costs: the Map's charge for starting the child, and its one Task state (P4).
TRANSITIONS_PER_CELL = 2
LOG_BYTES_PER_INVOCATION = 1500  # START/END/REPORT lines + one structured "cell scanned" line


@dataclass(frozen=True)
class DemoCell:
    api_calls: Counter[str]
    metrics_requested: int
    raw_bytes: int


def measure_demo_cell() -> DemoCell:
    """Scan one seeded demo cell through the fault proxy; count calls per service and metrics requested."""
    from tests.functional.scan_bigcell import QueryRecorder

    from orgsweep.checks import build_checks
    from orgsweep.pipeline.scan import scan_cell
    from orgsweep.pipeline.types import Cell, RunSettings
    from orgsweep.storage import LocalStorage, raw_cell_key
    from orgsweep_local.demo import DemoServer, FleetSpec, scoped_environ, seed_fleet
    from orgsweep_local.demo.faults import FaultProxy

    checks = build_checks([], [], {})
    recorder = QueryRecorder(checks)  # GetMetricData bills each distinct query: one metric requested
    with DemoServer() as server, tempfile.TemporaryDirectory() as tmp:
        fleet, _ = seed_fleet(server.endpoint_url, server.session(), FleetSpec(accounts=1, regions=("us-east-1",)))
        account = fleet.accounts[0]
        with FaultProxy(server.endpoint_url) as proxy, scoped_environ({"AWS_ENDPOINT_URL": proxy.endpoint_url}):
            cell = Cell(account.account_id, account.name, "us-east-1")
            run = RunSettings("model", "OrgSweepReadOnly")
            summary = scan_cell(server.session(), cell, run, storage=LocalStorage(Path(tmp)), checks=checks)
            calls = Counter(f"{r.service}" for r in proxy.records() if r.account_id == account.account_id)
        raw = (Path(tmp) / raw_cell_key("model", account.account_id, "us-east-1")).stat().st_size
    assert summary.status == "ok", summary
    return DemoCell(calls, len(recorder.queries), raw)


def handler_import_s() -> float:
    """Cold-start import of the scan_cell handler in a fresh interpreter (what Lambda's INIT runs)."""
    code = (
        "import importlib.util,time;t=time.perf_counter();"
        f"s=importlib.util.spec_from_file_location('h','{ROOT / 'functions/scan_cell/handler.py'}');"
        "m=importlib.util.module_from_spec(s);import sys;sys.modules['h']=m;s.loader.exec_module(m);"
        "print(time.perf_counter()-t)"
    )
    env = dict(os.environ, ORGSWEEP_BUCKET="model", AWS_DEFAULT_REGION="us-east-1")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return float(out.stdout.strip().splitlines()[-1])


def model(
    cells: int, cell_s: float, *, heavy_s: float, demo: DemoCell, init_s: float, concurrency: int
) -> dict[str, Any]:
    """Wall time and cost of one sweep where every cell is like the measured demo cell."""
    cold_starts = min(cells, concurrency)  # one per execution environment; warm ones reuse it
    throughput = min(
        concurrency / cell_s,
        MAP_CHILD_START_PER_S,
        STS_ASSUME_ROLE_PER_S,
        SFN_TRANSITION_REFILL_PER_S / TRANSITIONS_PER_CELL,
    )
    binding = min(
        (
            ("concurrency / cell duration", concurrency / cell_s),
            ("Map child start rate", MAP_CHILD_START_PER_S),
            ("STS AssumeRole rate", STS_ASSUME_ROLE_PER_S),
            ("StateTransition refill", SFN_TRANSITION_REFILL_PER_S / TRANSITIONS_PER_CELL),
        ),
        key=lambda item: item[1],
    )[0]
    sweep_s = cells / throughput + heavy_s  # plus the tail: one heavy cell started last
    gb_s = (cells * cell_s + cold_starts * init_s) * SCAN_CELL_MEMORY_GB
    aggregate_s = 300.0  # budget from bench_aggregate (65.8 s on 2 cores, local disk) x ~4 for S3 and 1.2 vCPU
    costs = {
        "Lambda scan_cell (duration)": gb_s * LAMBDA_PER_GB_S,
        "Lambda requests": (cells + 2) * LAMBDA_PER_REQUEST,
        "Lambda aggregate (duration)": aggregate_s * AGGREGATE_MEMORY_GB * LAMBDA_PER_GB_S,
        "Step Functions transitions": (cells * TRANSITIONS_PER_CELL + 6) * SFN_PER_TRANSITION,
        "CloudWatch GetMetricData": cells * demo.metrics_requested * GMD_PER_METRIC,
        "CloudWatch Logs": cells * LOG_BYTES_PER_INVOCATION / 1e9 * LOGS_PER_GB,
        "S3 requests": cells * (S3_PER_PUT + S3_PER_GET) + 10 * S3_PER_PUT,
    }
    return {
        "cells": cells,
        "concurrency": concurrency,
        "cell_s": cell_s,
        "throughput_cells_per_s": throughput,
        "binding": binding,
        "sweep_s": sweep_s,
        "aggregate_s": aggregate_s,
        "gb_s": gb_s,
        "costs": costs,
        "total_usd": sum(costs.values()),
        "member_api_calls": cells * sum(demo.api_calls.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--speedup", type=Path, required=True, help="bench_engine_speedup.py --json output")
    parser.add_argument("--cell10k", type=Path, required=True, help="bench_cell_10k.py --json output")
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--regions", type=int, default=17)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    speedup = json.loads(args.speedup.read_text())
    sequential = next(r for r in speedup["runs"] if r["mode"] == "sequential")
    durations = sequential["loop_cell_s"]
    heavy_s = float(json.loads(args.cell10k.read_text())["scan_s"])
    started = time.perf_counter()
    demo = measure_demo_cell()
    init_s = handler_import_s()
    cells = args.accounts * args.regions
    p95 = statistics.quantiles(durations, n=20)[-1]
    print(
        f"measured: {len(durations)} demo cells at {speedup['config']['latency_ms']:.0f} ms/call: "
        f"mean {statistics.mean(durations):.2f} s, p95 {p95:.2f} s, "
        f"{sequential['api_calls'] / len(durations):.1f} API calls per cell; heavy cell {heavy_s:.1f} s; "
        f"one demo cell requests {demo.metrics_requested} metrics, {sum(demo.api_calls.values())} member "
        f"calls {dict(sorted(demo.api_calls.items()))}, raw output {demo.raw_bytes} B; "
        f"handler import {init_s:.2f} s  ({time.perf_counter() - started:.0f} s to measure)"
    )
    results = []
    for concurrency in (200, 1000):
        for label, cell_s in (("mean", statistics.mean(durations)), ("p95", p95), ("2x latency", 2 * p95)):
            result = model(cells, cell_s, heavy_s=heavy_s, demo=demo, init_s=init_s, concurrency=concurrency) | {
                "case": label
            }
            results.append(result)
            print(
                f"MaxConcurrency {concurrency:>5}, cell {label:>10} {cell_s:5.2f} s: sweep "
                f"{result['sweep_s'] / 60:5.1f} min (bound: {result['binding']}), + aggregate "
                f"<= {result['aggregate_s'] / 60:.0f} min; cost ${result['total_usd']:.2f}"
            )
    print("cost breakdown (MaxConcurrency 200, mean cell):")
    for item, usd in results[0]["costs"].items():
        print(f"  {item:32} ${usd:8.4f}")
    if args.json:
        document = {
            "demo_cell": {
                "api_calls": demo.api_calls,
                "metrics_requested": demo.metrics_requested,
                "raw_bytes": demo.raw_bytes,
            },
            "handler_import_s": init_s,
            "results": results,
        }
        args.json.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
