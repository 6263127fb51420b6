"""`orgsweep demo`: sweep an embedded, seeded demo organization (moto) with either engine."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from orgsweep_local.cli.context import OutOpt, destination
from orgsweep_local.cli.errors import report, reported_errors
from orgsweep_local.cli.exceptions import EXIT_FAILURE, CliError
from orgsweep_local.cli.types import Engine

#: Above half, throttles can come back to back often enough to exhaust a preset's attempts.
MAX_DEMO_THROTTLE = 0.5


def endpoint_env(url: str) -> AbstractContextManager[None]:
    """Point every boto3 client of this process at `url` (the demo's moto) for the block only."""
    from orgsweep_local.demo.environment import scoped_environ

    return scoped_environ({"AWS_ENDPOINT_URL": url})


def _regions(values: list[str] | None) -> tuple[str, ...]:
    from orgsweep_local.demo.types import DEFAULT_REGIONS

    if not values:
        return DEFAULT_REGIONS
    return tuple(r.strip() for value in values for r in value.split(",") if r.strip())


def demo(  # noqa: PLR0917 (typer maps parameters to options)
    accounts: Annotated[int, typer.Option("--accounts", metavar="N", help="Member accounts to create (1-50).")] = 6,
    regions: Annotated[
        list[str] | None,
        typer.Option("--regions", metavar="REGION[,REGION]", help="Regions to seed and scan "
                     "(repeatable or comma-separated; default us-east-1, eu-west-1, ap-southeast-2)."),
    ] = None,
    engine: Annotated[Engine, typer.Option("--engine", help="local: this process; stepfunctions: the "
                                           "synthesized workflow executed by moto.")] = Engine.LOCAL,
    out: OutOpt = None,
    seed: Annotated[int, typer.Option("--seed", metavar="N", help="Seed of the fleet (same seed, same fleet).")] = 7,
    throttle: Annotated[
        float,
        typer.Option("--throttle", metavar="FRACTION", min=0.0, max=MAX_DEMO_THROTTLE,
                     help="Answer this share of every service's requests with its real throttling error "
                          "(through a fault proxy; 0-0.5)."),
    ] = 0.0,
    latency_ms: Annotated[
        int,
        typer.Option("--latency-ms", metavar="MS", min=0, max=5000, help="Add this latency to every AWS request."),
    ] = 0,
) -> None:
    """Sweep a demo organization: no AWS account needed.

    Starts an embedded moto server, creates an organization with nested OUs and N member
    accounts, and seeds every (account, region) with idle and busy resources for all 16
    checks (with weeks of CloudWatch history), then scans it with the chosen engine, prints
    the summary and scores the findings against the seed's ground truth. Results (and the
    ground truth) go to ./orgsweep-out unless --out says otherwise. With --throttle or
    --latency-ms the scan reaches moto through a fault proxy, and must still find everything.
    """
    from orgsweep_local.demo import FleetSpec

    console = Console()
    with reported_errors():
        spec = FleetSpec(accounts=accounts, regions=_regions(regions), seed=seed)
        dest = destination(out, None)  # always a local folder: the demo's ground truth is scored there
        code = _run_demo(console, spec, engine, dest, faults=_fault_plan(throttle, latency_ms))
    raise typer.Exit(code)


def _fault_plan(throttle: float, latency_ms: int) -> Any:
    """The FaultPlan for the demo's options; None when there is nothing to inject."""
    if not throttle and not latency_ms:
        return None
    from orgsweep_local.demo.faults import ANY_SERVICE, FaultPlan

    return FaultPlan(
        throttle={ANY_SERVICE: throttle} if throttle else {},
        latency_s={ANY_SERVICE: latency_ms / 1000.0} if latency_ms else {},
    )


@contextmanager
def _scan_endpoint(console: Console, server: Any, faults: Any) -> Iterator[str]:
    """The endpoint the scan talks to: the server itself, or a fault proxy in front of it."""
    if faults is None:
        yield server.endpoint_url
        return
    from orgsweep_local.demo.faults import FaultProxy, Outcome

    with FaultProxy(server.endpoint_url, faults) as proxy:
        console.print(f"Fault proxy at {proxy.endpoint_url} in front of moto")
        yield proxy.endpoint_url
        records = proxy.records()
    throttled = sum(1 for r in records if r.outcome is Outcome.THROTTLED)
    share = throttled / len(records) if records else 0.0
    console.print(
        f"Fault proxy: {len(records)} AWS requests, {throttled} answered with throttling errors ({share:.0%})."
    )


def _run_demo(console: Console, spec: Any, engine: Engine, dest: Any, *, faults: Any = None) -> int:
    from orgsweep.pipeline.execution_input import parse_execution_input
    from orgsweep_local.cli.local_run import exit_code, run_local
    from orgsweep_local.demo import DemoServer
    from orgsweep_local.demo.scoring import read_findings, scanned_cells

    with DemoServer() as server:
        console.print(f"Embedded AWS (moto) at {server.endpoint_url}")
        fleet, truth = _seed(console, server, spec)
        document: dict[str, Any] = {
            "regions": {"include": list(fleet.regions)},
            # The hub (management) account holds orgsweep itself, not demo resources.
            "accounts": {"exclude": [fleet.management_account_id]},
        }
        execution_input = parse_execution_input(document)
        with _scan_endpoint(console, server, faults) as endpoint, endpoint_env(endpoint):
            if engine is Engine.LOCAL:
                result = run_local(console, execution_input, server.session(), dest)
                run_id, code = result.run_id, exit_code(result)
            else:
                from orgsweep_local.cli.demo_sfn import run_stepfunctions

                document["run_id"] = execution_input.run_id
                run_id, code = run_stepfunctions(console, server, document, dest, lambda_endpoint_url=endpoint)
    root: Path = dest.local_root
    truth_path = root / "demo" / run_id / "ground-truth.json"
    truth_path.parent.mkdir(parents=True, exist_ok=True)
    truth_path.write_text(truth.to_json(), encoding="utf-8")
    # Cells cancelled or failed as a whole say nothing about their resources: score the others.
    scanned = scanned_cells(root, run_id)
    comparison = truth.compare(read_findings(root, run_id), cells=scanned)
    missed = sum(1 for m in comparison.mismatches if m.expected in ("flagged", "insufficient_data"))
    extra = len(comparison.mismatches) - missed
    console.print(
        f"Ground truth ({truth_path}): {comparison.expected_findings - missed}/{comparison.expected_findings} "
        f"seeded idle or undecidable resources of the {len(scanned)} scanned cells reported as expected; "
        f"{extra} unexpected finding(s)."
    )
    for mismatch in comparison.mismatches[:10]:
        console.print(f"  [red]{mismatch}[/red]")
    if not comparison.ok:
        report(CliError(f"the scan disagrees with the demo's ground truth on {len(comparison.mismatches)} resource(s)"))
        return EXIT_FAILURE
    return code


def _seed(console: Console, server: Any, spec: Any) -> tuple[Any, Any]:
    from orgsweep_local.demo import seed_fleet

    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("seeding the demo organization", total=spec.accounts * len(spec.regions))

        def show(done: int, total: int, account: str, region: str) -> None:
            progress.update(task, completed=done, description=f"seeded {account} {region}")

        return seed_fleet(server.endpoint_url, server.session(), spec, progress=show)


__all__ = ["Engine", "demo", "endpoint_env"]
