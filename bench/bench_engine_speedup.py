"""Benchmark the local engine's parallel speedup: LocalEngine vs a plain sequential loop, same fleet, same run.

A child process runs moto and seeds the demo organization (20 accounts x 4 regions = 80 cells,
1 datapoint per metric per day); a FaultProxy adds 50 ms latency to every call in front of it,
in a second child (--proxy process, the default: AWS's latency costs the scanner no CPU) or in
this process (--proxy parent: the proxy's threads then share the scanner's GIL); this process
sweeps the fleet both ways, alternating:

  sequential  plan, then scan_cell for each manifest cell one after another, then aggregate
  engine      LocalEngine(...).run(...): the same plan/scan/aggregate, cells on preset.cell_concurrency workers

It reports wall time (total and per phase), API calls (HTTP attempts), p50/p95 cell duration, CPU
time of each process, and the speedup next to three ideals: the preset's cell_concurrency; the
best a pool of that many workers can do with these cells, max(Σd / workers, max d) over the
sequential run's cell durations d (latency-bound); and that bound or the CPU the sequential run
used, whichever is longer: max(CPU of any one process (a GIL: one core each), Σ CPU / cores)
(machine-bound). Both runs must report the same findings, which are also scored against the
seed's ground truth.

    .venv/bin/python bench/bench_engine_speedup.py                                  # 20 x 4, 50 ms, default preset
    .venv/bin/python bench/bench_engine_speedup.py --repeat 2 --json /tmp/speedup.json
    .venv/bin/python bench/bench_engine_speedup.py --proxy parent                   # proxy in this process
    .venv/bin/python bench/bench_engine_speedup.py --accounts 4 --regions 2 --latency-ms 20   # quick look

moto runs in the child so that its CPU time does not share this process's GIL (real AWS is
remote); fake credentials only, nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from orgsweep.checks import build_checks
from orgsweep.pipeline.aggregate import aggregate
from orgsweep.pipeline.execution_input import ExecutionInput, parse_execution_input
from orgsweep.pipeline.manifest import read_manifest
from orgsweep.pipeline.plan import PlanClients, plan
from orgsweep.pipeline.raw import read_raw_cell
from orgsweep.pipeline.scan import scan_cell
from orgsweep.presets import get_preset
from orgsweep.storage import LocalStorage, raw_cell_key, summary_key
from orgsweep_local.demo import FleetSpec, GroundTruth, scoped_environ, seed_fleet
from orgsweep_local.demo.faults import FaultPlan, FaultProxy
from orgsweep_local.demo.scoring import read_findings, scanned_cells
from orgsweep_local.demo.server import DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY
from orgsweep_local.engine import EngineProgress, LocalEngine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for bench.moto_child when run as a script
from bench.moto_child import (
    CHILD_FLAG,
    MotoChild,
    RequestCounter,
    percentile,
    serve,
    serve_proxy,
    use_fake_aws_credentials,
)

DEMO_REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1", "ap-northeast-1")
FindingKey = tuple[str, str, str, str, str]
CpuMeters = dict[str, Callable[[], float]]


@dataclass
class RunMeasure:
    mode: str
    run_id: str
    wall_s: float = 0.0
    plan_s: float = 0.0
    scan_s: float = 0.0
    aggregate_s: float = 0.0
    loop_cell_s: list[float] = field(default_factory=list)  # sequential only: scan_cell call by call
    cell_s: list[float] = field(default_factory=list)  # every cell's finished_at - started_at (raw output)
    api_calls: int = 0
    api_by_service: dict[str, int] = field(default_factory=dict)
    api_summary: dict[str, int] = field(default_factory=dict)  # summary.json: api_calls, throttles, retries
    cpu_s: dict[str, float] = field(default_factory=dict)  # per process: self, moto, proxy
    cell_status: dict[str, int] = field(default_factory=dict)
    findings_by_check: dict[str, int] = field(default_factory=dict)
    truth_mismatches: int = -1


def child_main(args: argparse.Namespace) -> None:
    """A child: the latency proxy, or moto with the seeded demo fleet (reporting the fleet and its ground truth)."""
    if args.proxy_upstream:
        serve_proxy(args.proxy_upstream, args.latency_ms / 1000)
        return

    def build(server: Any) -> dict[str, Any]:
        spec = FleetSpec(accounts=args.accounts, regions=DEMO_REGIONS[: args.regions], seed=args.seed, points_per_day=1)
        started = time.perf_counter()

        def show(done: int, total: int, account: str, region: str) -> None:
            if done % 10 == 0 or done == total:
                print(f"  seeded {done}/{total} cells ({time.perf_counter() - started:.0f} s)", file=sys.stderr)

        fleet, truth = seed_fleet(server.endpoint_url, server.session(), spec, progress=show)
        return {
            "seed_s": time.perf_counter() - started,
            "management_account_id": fleet.management_account_id,
            "regions": list(fleet.regions),
            "truth": truth.to_json(),
        }

    serve(build)


def hub_session() -> Any:
    import boto3

    return boto3.Session(
        aws_access_key_id=DEMO_ACCESS_KEY_ID, aws_secret_access_key=DEMO_SECRET_ACCESS_KEY, region_name="us-east-1"
    )


def run_sequential(measure: RunMeasure, session: Any, storage: LocalStorage, execution_input: ExecutionInput) -> None:
    started = time.perf_counter()
    planned = plan(execution_input, clients=PlanClients.from_session(session), storage=storage)
    cells = read_manifest(storage, planned.run_id)
    run = planned.run
    checks = build_checks(list(run.checks_include), list(run.checks_exclude), run.checks_params)
    scanning = time.perf_counter()
    for cell in cells:
        cell_started = time.perf_counter()
        scan_cell(session, cell, run, storage=storage, checks=checks)
        measure.loop_cell_s.append(time.perf_counter() - cell_started)
    aggregating = time.perf_counter()
    aggregate(planned.run_id, storage=storage)
    done = time.perf_counter()
    measure.plan_s, measure.scan_s = scanning - started, aggregating - scanning
    measure.aggregate_s, measure.wall_s = done - aggregating, done - started


def run_engine(measure: RunMeasure, session: Any, storage: LocalStorage, execution_input: ExecutionInput) -> None:
    marks: dict[str, float] = {}

    def progress(update: EngineProgress) -> None:
        marks.setdefault(update.phase, time.perf_counter())  # first report of each phase

    started = time.perf_counter()
    LocalEngine(session, storage, on_progress=progress).run(execution_input)
    done = time.perf_counter()
    measure.plan_s = marks["scanning"] - started
    measure.scan_s = marks["aggregating"] - marks["scanning"]
    measure.aggregate_s, measure.wall_s = done - marks["aggregating"], done - started


def measure_run(
    mode: str,
    root: Path,
    run_id: str,
    *,
    document: dict[str, Any],
    cpu: CpuMeters,
    requests: RequestCounter,
    truth: GroundTruth,
) -> tuple[RunMeasure, set[FindingKey]]:
    measure = RunMeasure(mode, run_id)
    storage = LocalStorage(root)
    execution_input = parse_execution_input(document | {"run_id": run_id})
    sent_before = requests.snapshot()
    cpu_before = {name: meter() for name, meter in cpu.items()}
    (run_sequential if mode == "sequential" else run_engine)(measure, hub_session(), storage, execution_input)
    measure.cpu_s = {name: meter() - cpu_before[name] for name, meter in cpu.items()}
    sent = requests.snapshot() - sent_before
    measure.api_calls = sum(sent.values())
    for operation, calls in sorted(sent.items()):
        service = operation.split(".", 1)[0]
        measure.api_by_service[service] = measure.api_by_service.get(service, 0) + calls
    summary = json.loads(storage.get_bytes(summary_key(run_id)))
    measure.findings_by_check = {k: v["findings"] for k, v in summary["findings"]["by_check"].items()}
    measure.cell_status = summary["cells"]["by_status"]
    measure.api_summary = summary["api"]
    for cell in read_manifest(storage, run_id):
        raw = read_raw_cell(storage, raw_cell_key(run_id, cell.account_id, cell.region))
        measure.cell_s.append(
            (datetime.fromisoformat(raw.finished_at) - datetime.fromisoformat(raw.started_at)).total_seconds()
        )
    rows = read_findings(root, run_id)
    measure.truth_mismatches = len(truth.compare(rows, cells=scanned_cells(root, run_id)).mismatches)
    return measure, {(r["account_id"], r["region"], r["check_id"], r["resource_id"], r["verdict"]) for r in rows}


def ideals(seq: RunMeasure, workers: int, cores: int) -> dict[str, float]:
    """Best total speedups on the sequential run's cells: latency-bound (makespan) and machine-bound (+ CPU)."""
    total = sum(seq.loop_cell_s)
    serial = seq.plan_s + seq.aggregate_s  # plan and aggregate run once, unparallelized, in both
    makespan = serial + max(total / workers, *seq.loop_cell_s)
    cpu_bound = max(*seq.cpu_s.values(), sum(seq.cpu_s.values()) / cores)
    return {
        "preset": workers,
        "latency_bound": seq.wall_s / makespan,
        "machine_bound": seq.wall_s / max(makespan, cpu_bound),
    }


def report(runs: list[RunMeasure], workers: int, cores: int, latency_ms: float) -> list[dict[str, float]]:
    names = list(runs[0].cpu_s)
    print(
        f"\n{'run':<14}{'wall s':>8}{'plan':>7}{'scan':>8}{'aggr':>7}{'calls':>7}{'p50 cell':>9}{'p95 cell':>9}"
        + "".join(f"{'cpu ' + n:>11}" for n in names)
        + "  truth"
    )
    for m in runs:
        print(
            f"{m.mode[:3] + ' ' + m.run_id[-2:]:<14}{m.wall_s:8.1f}{m.plan_s:7.1f}{m.scan_s:8.1f}{m.aggregate_s:7.1f}"
            f"{m.api_calls:7d}{percentile(m.cell_s, 0.5):9.2f}{percentile(m.cell_s, 0.95):9.2f}"
            + "".join(f"{m.cpu_s[n]:6.1f}{100 * m.cpu_s[n] / m.wall_s:4.0f}%" for n in names)
            + f"  {'ok' if m.truth_mismatches == 0 else f'{m.truth_mismatches} mismatches'}"
        )
    pairs = []
    for seq, eng in zip(runs[0::2], runs[1::2], strict=True):
        speedup = seq.wall_s / eng.wall_s
        pair = {"speedup": speedup, "speedup_scan_phase": seq.scan_s / eng.scan_s} | ideals(seq, workers, cores)
        pairs.append(pair)
        print(
            f"\nspeedup sequential / engine: {speedup:.2f}x total wall ({pair['speedup_scan_phase']:.2f}x scan "
            f"phase); {latency_ms:g} ms latency, {workers} workers, {cores} cores"
        )
        for ideal in ("preset", "latency_bound", "machine_bound"):
            verdict = "meets" if speedup >= 0.7 * pair[ideal] else "misses"
            print(f"  vs {ideal:<14} ideal {pair[ideal]:5.2f}x: {speedup / pair[ideal]:4.2f} ({verdict} >= 0.7)")
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=20, help="member accounts of the demo organization")
    parser.add_argument(
        "--regions",
        type=int,
        default=4,
        choices=range(1, len(DEMO_REGIONS) + 1),
        help=f"the first N of {', '.join(DEMO_REGIONS)}",
    )
    parser.add_argument("--latency-ms", type=float, default=50.0, help="latency the proxy adds to every call")
    parser.add_argument(
        "--proxy", choices=("process", "parent"), default="process", help="where the latency proxy runs"
    )
    parser.add_argument("--preset", default="default", help="conservative | default | aggressive")
    parser.add_argument("--repeat", type=int, default=1, help="(sequential, engine) pairs to run")
    parser.add_argument("--seed", type=int, default=7, help="seed of the demo fleet")
    parser.add_argument("--json", type=Path, help="write every measurement here")
    parser.add_argument(CHILD_FLAG, action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--proxy-upstream", help=argparse.SUPPRESS)
    args = parser.parse_args()
    use_fake_aws_credentials()
    if args.moto_child:
        child_main(args)
        return

    started = time.perf_counter()
    workers, cores = get_preset(args.preset).cell_concurrency, len(os.sched_getaffinity(0))
    requests = RequestCounter().install()
    script = Path(__file__)
    print(f"seeding {args.accounts} accounts x {args.regions} regions in a moto child process ...", flush=True)
    with ExitStack() as stack:
        moto = stack.enter_context(
            MotoChild(
                script, ["--accounts", str(args.accounts), "--regions", str(args.regions), "--seed", str(args.seed)]
            )
        )
        info = moto.info
        print(f"moto child at {moto.endpoint}: seeded in {info['seed_s']:.0f} s (its CPU {moto.cpu_seconds():.0f} s)")
        cpu: CpuMeters = {"self": time.process_time, "moto": moto.cpu_seconds}
        if args.proxy == "parent":
            plan_ = FaultPlan(latency_s={"*": args.latency_ms / 1000})
            proxy_url = stack.enter_context(FaultProxy(moto.endpoint, plan_)).endpoint_url
        else:
            proxy = stack.enter_context(
                MotoChild(script, ["--proxy-upstream", moto.endpoint, "--latency-ms", str(args.latency_ms)])
            )
            proxy_url, cpu["proxy"] = proxy.endpoint, proxy.cpu_seconds
        stack.enter_context(scoped_environ({"AWS_ENDPOINT_URL": proxy_url}))
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        document = {
            "preset": args.preset,
            "regions": {"include": info["regions"]},
            "accounts": {"exclude": [info["management_account_id"]]},
        }
        truth = GroundTruth.from_json(info["truth"])
        runs: list[RunMeasure] = []
        keys: dict[str, set[FindingKey]] = {}
        for index in range(args.repeat):
            for mode in ("sequential", "engine"):
                run_id = f"bench-{mode[:3]}-{index + 1:02d}"
                print(f"{mode} run {index + 1}/{args.repeat} ...", flush=True)
                measure, keys[run_id] = measure_run(
                    mode, tmp / run_id, run_id, document=document, cpu=cpu, requests=requests, truth=truth
                )
                runs.append(measure)
                print(f"  {measure.wall_s:.1f} s, {measure.api_calls} calls, cells {measure.cell_status}", flush=True)
        moto_peak = moto.peak_rss_mib()
    pairs = report(runs, workers, cores, args.latency_ms)
    reference = keys[runs[0].run_id]
    same = all(k == reference for k in keys.values())
    print(f"\nfindings identical across runs: {same} ({len(reference)}; by check {runs[0].findings_by_check})")
    for m in runs[1:]:
        if keys[m.run_id] != reference or m.api_by_service != runs[0].api_by_service:
            print(
                f"  {m.run_id}: {len(keys[m.run_id] - reference)} extra, {len(reference - keys[m.run_id])} missing; "
                f"calls by service {m.api_by_service} vs {runs[0].api_by_service}; "
                f"cells' own counts {m.api_summary} vs {runs[0].api_summary}"
            )
    total_s = time.perf_counter() - started
    print(f"moto child peak RSS {moto_peak:.0f} MiB; benchmark total {total_s:.0f} s")
    if args.json:
        config = {k: v for k, v in vars(args).items() if k not in ("json", "moto_child", "proxy_upstream")}
        document_out = {
            "config": config | {"cores": cores},
            "seed_s": info["seed_s"],
            "pairs": pairs,
            "runs": [asdict(m) for m in runs],
            "findings_identical": same,
            "moto_peak_rss_mib": moto_peak,
            "total_s": total_s,
        }
        args.json.write_text(json.dumps(document_out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
