"""`orgsweep scan`: run the whole scan on this machine (the local engine)."""

from __future__ import annotations

import typer
from rich.console import Console

from orgsweep_local.cli import inputs as opt
from orgsweep_local.cli.context import (
    AwsProfileOpt,
    BucketOpt,
    OutOpt,
    PrefixOpt,
    aws_session,
    caller_account,
    destination,
)
from orgsweep_local.cli.errors import reported_errors


def scan(  # noqa: PLR0917 (typer maps parameters to options)
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
    out: OutOpt = None,
    bucket: BucketOpt = None,
    prefix: PrefixOpt = "",
    aws_profile: AwsProfileOpt = None,
) -> None:
    """Scan the organization from this machine and write the tables to a folder or a bucket.

    Plans the (account, region) cells from AWS Organizations, scans them in parallel (the
    preset's cell concurrency) under a live progress bar, then writes the findings,
    inventory and coverage Parquet tables and summary.json. Ctrl-C stops scheduling cells,
    lets running ones finish and still writes the tables (the rest are `cancelled`).

    Exit codes: 0 every cell ok; 3 the run finished but some cells are not ok (see the
    coverage table); 2 invalid input (nothing written); 1 any other failure.
    """
    from orgsweep_local.cli.local_run import exit_code, run_local

    console = Console()
    with reported_errors():
        options = opt.InputOptions.from_cli(
            account=account, exclude_account=exclude_account, ou=ou, region=region, exclude_region=exclude_region,
            check=check, exclude_check=exclude_check, param=param, preset=preset, role_name=role_name,
            external_id=external_id, run_id=run_id, input_file=input_file,
        )
        _, execution_input = opt.validated_input(options)
        session = aws_session(aws_profile)
        dest = destination(out, bucket, prefix, session=session)
        hub = caller_account(session)
        console.print(f"Scanning as account {hub}; run {execution_input.run_id} → {dest.description}")
        result = run_local(console, execution_input, session, dest)
    raise typer.Exit(exit_code(result))


__all__ = ["scan"]
