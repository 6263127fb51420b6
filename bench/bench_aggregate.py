"""Benchmark the aggregator at organisation scale.

Generates a synthetic run (default 34,000 cells = 2,000 accounts x 17 regions, ~1,000,000
findings, plus inventory and coverage) as raw cell outputs in a local store, then runs
`orgsweep.pipeline.aggregate.aggregate` in a child process and reports its wall time and
peak resident memory (the child's ru_maxrss), separately from the generation time.

    .venv/bin/python bench/bench_aggregate.py                 # full size, temp dir removed after
    .venv/bin/python bench/bench_aggregate.py --cells 3400 --findings 100000 --keep /tmp/agg
    .venv/bin/python bench/bench_aggregate.py --reuse /tmp/agg --profile /tmp/agg.prof

Goal: <= 10 minutes and <= 3 GB for the full size.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from orgsweep.pipeline.manifest import RunMetadata, write_manifest, write_run_metadata
from orgsweep.pipeline.raw import RawCellOutput
from orgsweep.pipeline.types import Cell
from orgsweep.storage import LocalStorage

RUN_ID = "20261122T031500Z-bench0"
REGIONS = [
    "ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ca-central-1",
    "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1", "us-east-1", "us-east-2",
    "us-west-1", "us-west-2", "eu-south-1",
]  # fmt: skip
CHECKS = [
    "ebs-volume-unattached", "ebs-volume-idle", "ebs-snapshot-orphaned", "eip-unassociated", "ec2-instance-idle",
    "ec2-instance-stopped", "nat-gateway-idle", "elb-idle", "elb-no-targets", "rds-instance-idle",
    "elasticache-cluster-idle", "lambda-function-unused", "security-group-unused", "eni-unattached",
    "vpc-endpoint-idle", "eks-cluster-empty",
]  # fmt: skip
EXTRA_INVENTORY_PER_CELL = 10
OBSERVED = "2026-11-22T03:16:42.123456+00:00"


def _cell_output(cell: Cell, n_findings: int, rng: random.Random) -> RawCellOutput:
    findings, inventory = [], []
    for i in range(n_findings + EXTRA_INVENTORY_PER_CELL):
        check = CHECKS[rng.randrange(len(CHECKS))]
        resource_id = f"vol-{cell.account_id[-6:]}{i:06x}"
        arn = f"arn:aws:ec2:{cell.region}:{cell.account_id}:volume/{resource_id}"
        tags = json.dumps({"team": f"team-{rng.randrange(40)}", "env": rng.choice(["prod", "dev", "test"])})
        inventory.append(
            {
                "run_id": RUN_ID,
                "account_id": cell.account_id,
                "region": cell.region,
                "resource_type": "AWS::EC2::Volume",
                "resource_id": resource_id,
                "resource_arn": arn,
                "state": "available",
                "created_at": "2025-03-01T10:00:00+00:00",
                "tags": tags,
                "attributes": json.dumps({"size_gb": rng.randrange(8, 2000), "volume_type": "gp3"}),
            }
        )
        if i >= n_findings:
            continue
        flagged = rng.random() < 0.85
        findings.append(
            {
                "run_id": RUN_ID,
                "account_id": cell.account_id,
                "account_name": cell.account_name,
                "region": cell.region,
                "check_id": check,
                "resource_type": "AWS::EC2::Volume",
                "resource_id": resource_id,
                "resource_arn": arn,
                "verdict": "flagged" if flagged else "insufficient_data",
                "reason": f"{resource_id} had fewer than 86400 operations on each of the last 7 days",
                "evidence": json.dumps(
                    {
                        "metric": "VolumeReadOps+VolumeWriteOps",
                        "statistic": "Sum",
                        "period": 86400,
                        "lookback_days": 7,
                        "values": [rng.randrange(100) for _ in range(7)],
                        "thresholds": {"max_daily_ops": 86400},
                    }
                ),
                "monthly_cost_usd": round(rng.uniform(0.5, 400.0), 2),
                "tags": tags,
                "observed_at": OBSERVED,
            }
        )
    coverage = [
        {
            "run_id": RUN_ID,
            "account_id": cell.account_id,
            "region": cell.region,
            "check_id": check,
            "status": "ok",
            "resources_evaluated": rng.randrange(50),
            "api_calls": rng.randrange(1, 20),
            "throttles": 0,
            "retries": 0,
            "duration_ms": rng.randrange(100, 5000),
            "error_code": None,
            "error_message": None,
        }
        for check in CHECKS
    ]
    return RawCellOutput(
        run_id=RUN_ID,
        account_id=cell.account_id,
        account_name=cell.account_name,
        region=cell.region,
        started_at="2026-11-22T03:16:00+00:00",
        finished_at=OBSERVED,
        status="ok",
        findings=findings,
        inventory=inventory,
        coverage=coverage,
    )


def generate(root: Path, n_cells: int, n_findings: int, seed: int) -> None:
    rng = random.Random(seed)
    storage = LocalStorage(root)
    n_accounts = max(1, n_cells // len(REGIONS))
    cells = [
        Cell(f"{100000000000 + a * 7919:012d}", f"account-{a:05d}", region)
        for a in range(n_accounts)
        for region in REGIONS
    ][:n_cells]
    per_cell = [0] * len(cells)
    for _ in range(n_findings):
        per_cell[rng.randrange(len(cells))] += 1
    write_run_metadata(storage, RunMetadata(RUN_ID, datetime(2026, 11, 22, 3, 15, tzinfo=UTC), len(cells)))
    write_manifest(storage, RUN_ID, cells)
    for cell, count in zip(cells, per_cell, strict=True):
        _cell_output(cell, count, rng).write(storage)


def run_aggregate_child(root: Path, profile: Path | None) -> None:
    from orgsweep.pipeline.aggregate import aggregate

    storage = LocalStorage(root)
    if profile is None:
        result = aggregate(RUN_ID, storage=storage)
    else:
        import cProfile

        profiler = cProfile.Profile()
        result = profiler.runcall(aggregate, RUN_ID, storage=storage)
        profiler.dump_stats(str(profile))
    print(json.dumps(result.to_dict() | {"inventory": result.inventory, "coverage_rows": result.coverage_rows}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cells", type=int, default=34_000)
    parser.add_argument("--findings", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    parser.add_argument("--reuse", type=Path, help="skip generation: aggregate this previously generated folder")
    parser.add_argument("--profile", type=Path, help="write cProfile stats of the aggregation here")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_aggregate_child(args.child, args.profile)
        return 0

    root = args.reuse or args.keep or Path(tempfile.mkdtemp(prefix="orgsweep-bench-"))
    try:
        if not args.reuse:
            started = time.perf_counter()
            generate(root, args.cells, args.findings, args.seed)
            print(f"generated {args.cells} cells / ~{args.findings} findings in {time.perf_counter() - started:.1f} s")
        command = [sys.executable, __file__, "--child", str(root)]
        if args.profile:
            command += ["--profile", str(args.profile)]
        started = time.perf_counter()
        completed = subprocess.run(command, check=True, capture_output=True, text=True)
        wall = time.perf_counter() - started
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # Linux: KiB
        parquet_mib = sum(p.stat().st_size for p in (root / "tables").rglob("*.parquet")) / 2**20
        print(f"aggregate result: {completed.stdout.strip()}")
        print(f"aggregate wall time: {wall:.1f} s; peak RSS: {peak_mib:.0f} MiB")
        print(f"parquet written: {parquet_mib:.1f} MiB")
        return 0
    finally:
        if not (args.keep or args.reuse):
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
