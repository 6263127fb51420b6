"""`orgsweep start`: start the deployed workflow (Step Functions), optionally wait and print the summary."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from orgsweep_local.cli import inputs as opt
from orgsweep_local.cli.context import AwsProfileOpt, BucketOpt, PrefixOpt, aws_session
from orgsweep_local.cli.errors import invalid, reported_errors
from orgsweep_local.cli.exceptions import EXIT_CELLS_NOT_OK, EXIT_OK, CliError
from orgsweep_local.cli.watch import ExecutionProgress, wait_for_execution

STATE_MACHINE_OUTPUT = "StateMachineArn"
BUCKET_OUTPUT = "ResultsBucketName"


def stack_outputs(session: Any, stack: str) -> dict[str, str]:
    """The outputs of the hub stack, by key."""
    described = session.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


def resolve_target(session: Any, state_machine: str | None, stack: str | None) -> tuple[str, str | None]:
    """(state machine ARN, results bucket or None) from --state-machine or the stack's outputs."""
    if (state_machine is None) == (stack is None):
        raise invalid("give exactly one of --state-machine ARN or --stack NAME")
    if state_machine is not None:
        if not state_machine.startswith("arn:") or ":stateMachine:" not in state_machine:
            raise invalid(f"--state-machine: {state_machine!r} is not a state machine ARN")
        return state_machine, None
    outputs = stack_outputs(session, str(stack))
    if STATE_MACHINE_OUTPUT not in outputs:
        raise CliError(f"stack {stack} has no {STATE_MACHINE_OUTPUT} output: is it the orgsweep hub stack?")
    return outputs[STATE_MACHINE_OUTPUT], outputs.get(BUCKET_OUTPUT)


def start(  # noqa: PLR0917 (typer maps parameters to options)
    state_machine: Annotated[str | None, typer.Option("--state-machine", metavar="ARN", help="The workflow's ARN.")]
    = None,
    stack: Annotated[str | None, typer.Option("--stack", metavar="NAME", help="Find the ARN in this hub stack.")]
    = None,
    wait: Annotated[bool, typer.Option("--wait", help="Follow the execution, then print its summary.")] = False,
    poll_seconds: Annotated[float, typer.Option("--poll-seconds", min=0.1, help="Polling interval with --wait.")]
    = 5.0,
    account: opt.AccountOpt = None,
    exclude_account: opt.ExcludeAccountOpt = None,
    ou: opt.OuOpt = None,
    region: opt.RegionOpt = None,
    exclude_region: opt.ExcludeRegionOpt = None,
    check: opt.CheckOpt = None,
    exclude_check: opt.ExcludeCheckOpt = None,
    param: opt.ParamOpt = None,
    preset: opt.PresetOpt = None,
    role_name: opt.RoleNameOpt = None,
    external_id: opt.ExternalIdOpt = None,
    run_id: opt.RunIdOpt = None,
    input_file: opt.InputFileOpt = None,
    bucket: BucketOpt = None,
    prefix: PrefixOpt = "",
    aws_profile: AwsProfileOpt = None,
) -> None:
    """Start a scan in the deployed Step Functions workflow (execution name = run id).

    The input is validated here first (same rules as the plan step); fields you do not set
    take the deployment's defaults. With --wait, follows the Distributed Map's progress and
    prints the run's summary from runs/<run_id>/summary.json in the results bucket (from
    --bucket, or the stack's outputs). Exit codes as for `scan` (0, 3 some cells not ok,
    2 invalid input, 1 failure, including a failed execution).
    """
    from orgsweep_local.cli.render import print_summary

    console = Console()
    with reported_errors():
        options = opt.InputOptions.from_cli(
            account=account, exclude_account=exclude_account, ou=ou, region=region, exclude_region=exclude_region,
            check=check, exclude_check=exclude_check, param=param, preset=preset, role_name=role_name,
            external_id=external_id, run_id=run_id, input_file=input_file,
        )
        document, execution_input = opt.validated_input(options)
        document["run_id"] = execution_input.run_id  # the execution's name; the plan step keeps it
        session = aws_session(aws_profile)
        arn, stack_bucket = resolve_target(session, state_machine, stack)
        sfn = session.client("stepfunctions")
        started = sfn.start_execution(stateMachineArn=arn, name=execution_input.run_id, input=json.dumps(document))
        execution_arn = started["executionArn"]
        console.print(f"Started run {execution_input.run_id}: {execution_arn}")
        if not wait:
            return
        description = follow_execution(console, sfn, execution_arn, poll_seconds)
        if description["status"] != "SUCCEEDED":
            cause = description.get("cause") or description.get("error") or "no cause given"
            raise CliError(f"execution {description['status']}: {description.get('error', '')} {cause}")
        results = bucket or stack_bucket
        if results is None:
            console.print("Execution succeeded. Pass --bucket (or --stack) to print its summary.")
            return
        summary = _read_summary(session, results, prefix, execution_input.run_id)
        args = f"--bucket {results}" + (f" --prefix {prefix}" if prefix else "")
        print_summary(console, summary, location=f"s3://{results}/{prefix}", query_args=args)
        all_ok = set(summary.get("cells", {}).get("by_status", {})) == {"ok"}
    raise typer.Exit(EXIT_OK if all_ok else EXIT_CELLS_NOT_OK)


def follow_execution(
    console: Console, sfn: Any, execution_arn: str, poll_s: float, *, redirect_stdio: bool = True
) -> dict[str, Any]:
    """Poll the execution under a progress bar of its Distributed Map items; return its last description."""
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(
        *columns, console=console, redirect_stdout=redirect_stdio, redirect_stderr=redirect_stdio
    ) as progress:
        task = progress.add_task("RUNNING", total=None)

        def show(p: ExecutionProgress) -> None:
            failed = p.item_counts.get("failed", 0) + p.item_counts.get("timedOut", 0)
            label = p.status + (f" ({failed} cells failed)" if failed else "")
            progress.update(task, description=label, total=p.items_total or None, completed=p.items_done)

        return wait_for_execution(sfn, execution_arn, on_update=show, poll_s=poll_s)


def _read_summary(session: Any, bucket: str, prefix: str, run_id: str) -> dict[str, Any]:
    from orgsweep.storage.layout import summary_key
    from orgsweep.storage.s3 import S3Storage

    storage = S3Storage(session.client("s3"), bucket, prefix)
    summary: dict[str, Any] = json.loads(storage.get_bytes(summary_key(run_id)))
    return summary


__all__ = ["follow_execution", "resolve_target", "stack_outputs", "start"]
