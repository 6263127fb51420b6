"""Benchmark one cell with 10,000 resources: scan_cell wall time and this process's peak RSS.

A child process runs moto and builds one (account, region) cell through it over HTTP:

    40 %  running instances (5 % of them stopped), each with its root volume (another 40 %)
    10 %  snapshots of those volumes     5 %  unattached network interfaces
     3 %  security groups                1 %  Elastic IPs        1 %  Lambda functions

with a sparse metric history (the first --history instances and volumes, half idle, half busy).
This process then runs `orgsweep.pipeline.scan.scan_cell` once, every check, the real clock (the
per-service token buckets really wait), against the child's endpoint, and reports wall time, peak
RSS (moto's memory is the child's, not counted), resources discovered per type, findings, API
calls per operation and GetMetricData calls next to the minimum Σ over windows of ceil(queries / 500).
Goal: <= 60 s and <= 512 MiB.

    .venv/bin/python bench/bench_cell_10k.py                                 # 10,000 resources
    .venv/bin/python bench/bench_cell_10k.py --resources 2000                # quick look
    .venv/bin/python bench/bench_cell_10k.py --json /tmp/cell10k.json --profile /tmp/cell10k.prof

Fake credentials only; every call goes to the loopback moto server.
"""

from __future__ import annotations

import argparse
import io
import json
import pstats
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from orgsweep.checks import build_checks
from orgsweep.pipeline.raw import read_raw_cell
from orgsweep.pipeline.scan import metric_end_time, scan_cell
from orgsweep.pipeline.types import Cell, RunSettings
from orgsweep.storage import LocalStorage
from orgsweep_local.demo import MEMBER_ROLE_NAME, scoped_environ
from orgsweep_local.demo.server import DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, HUB_ACCOUNT_ID

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench.* and tests.* when run as a script
from bench.moto_child import (
    CHILD_FLAG,
    MotoChild,
    RequestCounter,
    current_rss_mib,
    rss_mib,
    serve,
    use_fake_aws_credentials,
)
from bench.scan_probe import ScanProbe, ThreadProfiler
from tests.functional.scan_bigcell import QueryRecorder

ACCOUNT_ID = "111111111111"
REGION = "eu-west-1"
#: Share of the resources of each kind (instances bring one root volume each: another 0.40).
MIX = {
    "instances": 0.40,
    "snapshots": 0.10,
    "interfaces": 0.05,
    "security_groups": 0.03,
    "addresses": 0.01,
    "functions": 0.01,
}
AMI_ID = "ami-0abcdef1234567890"  # moto does not validate image ids (the demo's AMI)
_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{HUB_ACCOUNT_ID}:root"},
                "Action": "sts:AssumeRole",
            },
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"},
        ],
    }
)


def _member_session(endpoint: str) -> Any:
    import boto3

    creds = boto3.client("sts", region_name=REGION, endpoint_url=endpoint).assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/setup", RoleSessionName="bench-setup"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=REGION,
    )


def _put_history(cloudwatch: Any, instances: Sequence[str], volumes: Sequence[str]) -> None:
    """Daily datapoints for a few instances and volumes, the first half idle, the second busy."""
    today = metric_end_time(datetime.now(UTC))
    data: dict[str, list[dict[str, Any]]] = {"AWS/EC2": [], "AWS/EBS": []}
    for namespace, ids, dimension, metrics, days in (
        ("AWS/EC2", instances, "InstanceId", ("CPUUtilization", "NetworkIn", "NetworkOut"), 4),
        ("AWS/EBS", volumes, "VolumeId", ("VolumeReadOps", "VolumeWriteOps"), 7),  # the checks' minimum days
    ):
        for index, resource_id in enumerate(ids):
            value = 1.0 if index < len(ids) // 2 else 100_000.0
            data[namespace] += [
                {
                    "MetricName": metric,
                    "Dimensions": [{"Name": dimension, "Value": resource_id}],
                    "Timestamp": today - timedelta(days=day, hours=-1),
                    "Value": value,
                }
                for day in range(1, days + 1)
                for metric in metrics
            ]
    for namespace, datums in data.items():
        for start in range(0, len(datums), 1000):  # PutMetricData's limit
            cloudwatch.put_metric_data(Namespace=namespace, MetricData=datums[start : start + 1000])


def build_cell(server: Any, resources: int, history: int) -> dict[str, Any]:
    """The child: create the cell's resources through the server, return what was created."""
    started = time.perf_counter()
    counts = {kind: round(share * resources) for kind, share in MIX.items()}
    session = _member_session(server.endpoint_url)
    iam = session.client("iam")
    iam.create_role(RoleName=MEMBER_ROLE_NAME, AssumeRolePolicyDocument=_TRUST)
    function_role = iam.create_role(RoleName="bench-function", AssumeRolePolicyDocument=_TRUST)["Role"]["Arn"]
    ec2 = session.client("ec2")
    instances: list[str] = []
    for start in range(0, counts["instances"], 500):
        batch = min(500, counts["instances"] - start)
        reservation = ec2.run_instances(ImageId=AMI_ID, MinCount=batch, MaxCount=batch, InstanceType="t3.micro")
        instances += sorted(i["InstanceId"] for i in reservation["Instances"])
    pages = ec2.get_paginator("describe_volumes").paginate()
    volumes = sorted(v["VolumeId"] for page in pages for v in page["Volumes"])
    _put_history(session.client("cloudwatch"), instances[:history], volumes[:history])
    stopped = instances[history:][: counts["instances"] // 20]
    for start in range(0, len(stopped), 500):
        ec2.stop_instances(InstanceIds=stopped[start : start + 500])
    for volume in volumes[: counts["snapshots"]]:
        ec2.create_snapshot(VolumeId=volume, Description="bench")
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    for _ in range(counts["interfaces"]):
        ec2.create_network_interface(SubnetId=subnet, Description="bench unattached")
    for index in range(counts["security_groups"]):
        ec2.create_security_group(GroupName=f"bench-sg-{index:05d}", Description="bench")
    for _ in range(counts["addresses"]):
        ec2.allocate_address(Domain="vpc")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return None\n")
    lambda_client = session.client("lambda")
    for index in range(counts["functions"]):
        lambda_client.create_function(
            FunctionName=f"bench-fn-{index:05d}",
            Runtime="python3.12",
            Role=function_role,
            Handler="index.handler",
            Code={"ZipFile": buffer.getvalue()},
        )
    counts |= {"volumes": len(volumes), "stopped": len(stopped)}
    return {"created": counts, "build_s": time.perf_counter() - started}


def print_profile(stats: pstats.Stats, path: Path) -> None:
    stats.dump_stats(path)
    print(f"\ncProfile, CPU time of every thread of the scan ({path}):")
    for order, limit in (("tottime", 12), ("cumulative", 25)):
        stream = io.StringIO()
        stats.stream = stream  # type: ignore[attr-defined]
        stats.sort_stats(order).print_stats(limit)
        lines = stream.getvalue().splitlines()
        print("\n".join(line for line in lines[lines.index(next(x for x in lines if "ncalls" in x)) :] if line))


def scan(hub: Any, run: RunSettings, checks: list[Any], storage: LocalStorage, probe: ScanProbe) -> Any:
    with probe:
        return scan_cell(hub, Cell(ACCOUNT_ID, "bench", REGION), run, storage=storage, checks=checks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resources", type=int, default=10_000, help="resources in the cell (see the mix above)")
    parser.add_argument("--history", type=int, default=20, help="instances and volumes given metric data")
    parser.add_argument("--preset", default="default", help="conservative | default | aggressive")
    parser.add_argument("--json", type=Path, help="write the measurements here")
    parser.add_argument("--profile", type=Path, help="write a CPU cProfile of the scan's threads here (and print it)")
    parser.add_argument(CHILD_FLAG, action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    use_fake_aws_credentials()
    if args.moto_child:
        serve(lambda server: build_cell(server, args.resources, args.history))
        return

    started = time.perf_counter()
    counter = RequestCounter().install()
    print(f"building a cell of {args.resources} resources in a moto child process ...", flush=True)
    with MotoChild(Path(__file__), ["--resources", str(args.resources), "--history", str(args.history)]) as child:
        created = child.info["created"]
        print(f"moto child at {child.endpoint}: built in {child.info['build_s']:.0f} s: {created}", flush=True)
        import boto3

        hub = boto3.Session(
            aws_access_key_id=DEMO_ACCESS_KEY_ID, aws_secret_access_key=DEMO_SECRET_ACCESS_KEY, region_name="us-east-1"
        )
        checks = build_checks([])
        recorder, probe, profiler = QueryRecorder(checks), ScanProbe(), ThreadProfiler() if args.profile else None
        run = RunSettings("bench-cell-10k", MEMBER_ROLE_NAME, preset=args.preset)
        with scoped_environ({"AWS_ENDPOINT_URL": child.endpoint}), tempfile.TemporaryDirectory() as tmp:
            storage = LocalStorage(tmp)
            peak_before, rss_before = rss_mib(), current_rss_mib()
            cpu_self, cpu_moto = time.process_time(), child.cpu_seconds()
            scan_started = time.perf_counter()
            if profiler:
                with profiler:
                    summary = scan(hub, run, checks, storage, probe)
            else:
                summary = scan(hub, run, checks, storage, probe)
            scan_s = time.perf_counter() - scan_started
            cpu_self, cpu_moto = time.process_time() - cpu_self, child.cpu_seconds() - cpu_moto
            peak = rss_mib()
            output = read_raw_cell(storage, summary.key)
            raw_kib = len(storage.get_bytes(summary.key)) / 1024
        moto_peak = child.peak_rss_mib()

    inventory = Counter(row["resource_type"] for row in output.inventory)
    findings = Counter(f"{row['check_id']}:{row['verdict']}" for row in output.findings)
    coverage = sorted(output.coverage, key=lambda r: -r["duration_ms"])
    gmd, minimum = counter.sent["cloudwatch.GetMetricData"], recorder.minimum_calls()
    phases = {name: round(seconds, 2) for name, seconds in probe.phase_s.items()}
    waits = probe.limiter_waits()
    print(
        f"\nscan_cell wall time:   {scan_s:8.1f} s   status={summary.status}   goal <= 60 s: "
        f"{'met' if scan_s <= 60 else 'MISSED'}"
        + ("  (cProfile on: wall and CPU inflated; measure without --profile)" if profiler else "")
    )
    print(
        f"  phases (s):          {phases}; the rest (assume role, write output): "
        f"{scan_s - sum(probe.phase_s.values()):.2f} s"
    )
    print(
        f"peak RSS (this proc):  {peak:8.1f} MiB (before the scan: peak {peak_before:.1f}, current "
        f"{rss_before:.1f}; moto child peak {moto_peak:.0f} MiB)   goal <= 512 MiB: "
        f"{'met' if peak <= 512 else 'MISSED'}"
    )
    print(
        f"CPU during the scan:   this process {cpu_self:.1f} s, moto child {cpu_moto:.1f} s "
        f"({100 * cpu_moto / scan_s:.0f} % of one core)"
    )
    print(
        "token-bucket waits:    "
        + ", ".join(f"{s} {n} grants {w:.1f} s" for s, (n, w) in waits.items())
        + " (seconds summed over the threads waiting)"
    )
    print(f"resources discovered:  {summary.resources} (inventory rows by type: {dict(sorted(inventory.items()))})")
    print(f"findings:              {summary.findings} ({dict(sorted(findings.items()))}); raw object {raw_kib:.0f} KiB")
    print(
        f"API calls:             {sum(counter.sent.values())} sent ({summary.api_calls} counted by the cell; "
        f"throttles={summary.throttles} retries={summary.retries}); per operation: calls, seconds sending to parsed"
    )
    for operation, calls in sorted(counter.sent.items()):
        print(f"    {operation:<50}{calls:6d}{counter.seconds[operation]:8.1f} s")
    print(
        f"GetMetricData calls:   {gmd}   minimum Σ ceil(queries/500) per window = {minimum} "
        f"(queries by lookback days: {recorder.by_window()})"
    )
    print(
        "checks by duration:    "
        + ", ".join(f"{r['check_id']} {r['duration_ms'] / 1000:.1f} s ({r['api_calls']} calls)" for r in coverage[:6])
    )
    if profiler and args.profile:
        print_profile(profiler.stats(), args.profile)
    total_s = time.perf_counter() - started
    print(f"benchmark total {total_s:.0f} s (build {child.info['build_s']:.0f} s)")
    if args.json:
        document = {
            "config": {"resources": args.resources, "history": args.history, "preset": args.preset},
            "created": created,
            "build_s": child.info["build_s"],
            "scan_s": scan_s,
            "status": summary.status,
            "phases_s": phases,
            "token_bucket_waits": waits,
            "peak_rss_mib": peak,
            "peak_rss_before_scan_mib": peak_before,
            "rss_before_scan_mib": rss_before,
            "moto_peak_rss_mib": moto_peak,
            "cpu_self_s": cpu_self,
            "cpu_moto_s": cpu_moto,
            "resources": summary.resources,
            "inventory_by_type": dict(inventory),
            "findings": summary.findings,
            "findings_by_check": dict(findings),
            "api_calls": dict(counter.sent),
            "api_seconds": {k: round(v, 3) for k, v in counter.seconds.items()},
            "get_metric_data": gmd,
            "get_metric_data_minimum": minimum,
            "coverage": output.coverage,
            "total_s": total_s,
        }
        args.json.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
