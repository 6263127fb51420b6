"""`orgsweep demo --engine stepfunctions`: the synthesized workflow, executed by moto with our handlers.

Synthesizes the CDK app with the pinned CLI, deploys the hub stack into the demo server and
the member-role stack into every member account, switches moto's IAM enforcement on, starts
one execution (Plan → Distributed Map of scan_cell → Aggregate, each Lambda run in-process
with its own role's credentials), follows it, then copies the results bucket into the output
folder so the summary, `orgsweep query` and the ground-truth score work exactly as for the
local engine. Every call the workflow makes is checked against the synthesized policies; a
denied one is printed and fails the demo.
"""

from __future__ import annotations

import json
import tempfile
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from rich.console import Console

from orgsweep_local.cli.exceptions import EXIT_CELLS_NOT_OK, EXIT_OK, CliError
from orgsweep_local.cli.render import print_summary
from orgsweep_local.cli.start import BUCKET_OUTPUT, STATE_MACHINE_OUTPUT, follow_execution
from orgsweep_local.demo.environment import scoped_environ


def moto_port(port: int) -> AbstractContextManager[None]:
    """moto's Step Functions interpreter calls Lambda at localhost:$MOTO_PORT: our server's port."""
    return scoped_environ({"MOTO_PORT": str(port)})


def copy_bucket(session: Any, endpoint_url: str, bucket: str, storage: Any) -> int:
    """Copy every object of `bucket` into `storage` (same keys); return how many."""
    from orgsweep.storage.s3 import S3Storage

    source = S3Storage(session.client("s3", endpoint_url=endpoint_url), bucket)
    count = 0
    for key in source.list_keys(""):
        storage.put_bytes(key, source.get_bytes(key))
        count += 1
    return count


def member_accounts(session: Any) -> list[str]:
    """Every ACTIVE account of the demo organization but the management (hub) account."""
    organizations = session.client("organizations")
    management = organizations.describe_organization()["Organization"]["MasterAccountId"]
    accounts = organizations.get_paginator("list_accounts").paginate()
    return sorted(
        a["Id"] for page in accounts for a in page["Accounts"] if a["Status"] == "ACTIVE" and a["Id"] != management
    )


def run_stepfunctions(
    console: Console, server: Any, document: dict[str, Any], dest: Any, *, lambda_endpoint_url: str | None = None
) -> tuple[str, int]:
    """Deploy the hub stack into the demo server, run one execution, copy its results to `dest`.

    lambda_endpoint_url: where the Lambdas' AWS calls go (default: the server; a fault proxy in front of it).
    """
    from orgsweep.storage.layout import summary_key
    from orgsweep_local.demo.iam import IamEnforcement
    from orgsweep_local.demo.lambda_runtime import InProcessLambda
    from orgsweep_local.demo.member_roles import deploy_member_roles
    from orgsweep_local.demo.stepfunctions import deploy_hub, quiet_moto, synthesize

    run_id = str(document["run_id"])
    session = server.session()
    iam = IamEnforcement(server)
    with tempfile.TemporaryDirectory(prefix="orgsweep-cdk-") as tmp:
        with console.status("Synthesizing the CDK app with the pinned cdk CLI..."):
            assembly = synthesize(Path(tmp) / "cdk.out")
        lambdas = InProcessLambda(lambda_endpoint_url or server.endpoint_url, credentials=iam.lambda_credentials)
        with moto_port(server.port), quiet_moto(), lambdas as runtime, iam:
            with console.status("Deploying the hub stack and the member roles into moto (CloudFormation)..."):
                outputs = deploy_hub(session, assembly)
                members = deploy_member_roles(session, server.endpoint_url, assembly, member_accounts(session))
            console.print(f"Deployed the hub stack: {outputs[STATE_MACHINE_OUTPUT]}", soft_wrap=True)
            console.print(f"Deployed the member role stack into {members} member accounts")
            admin = iam.admin_session()
            iam.enforce()
            sfn = admin.client("stepfunctions", endpoint_url=server.endpoint_url)
            started = sfn.start_execution(
                stateMachineArn=outputs[STATE_MACHINE_OUTPUT], name=run_id, input=json.dumps(document)
            )
            # Handlers print on moto's threads: leave stdout alone so their lines reach their logs.
            description = follow_execution(console, sfn, started["executionArn"], 1.0, redirect_stdio=False)
            console.print(f"Lambda invocations run in-process: {runtime.invocations} ({runtime.errors} errors)")
            copied = copy_bucket(admin, server.endpoint_url, outputs[BUCKET_OUTPUT], dest.storage)
            stats = iam.stats
    console.print(stats.summary(), soft_wrap=True)  # one line, whatever the terminal's width
    for denial in stats.denials:
        console.print(f"  [red]denied[/red] {denial}", soft_wrap=True)
    if description["status"] != "SUCCEEDED":
        cause = description.get("cause") or "no cause given"
        raise CliError(f"execution {description['status']}: {description.get('error', '')} {cause}")
    if stats.denials:
        raise CliError(f"IAM denied {stats.denied} calls of the workflow: its synthesized policies are incomplete")
    console.print(f"Copied {copied} objects of s3://{outputs[BUCKET_OUTPUT]} to {dest.description}")
    summary = json.loads(dest.storage.get_bytes(summary_key(run_id)))
    print_summary(console, summary, location=dest.description, query_args=dest.query_args)
    all_ok = set(summary.get("cells", {}).get("by_status", {})) == {"ok"}
    return run_id, EXIT_OK if all_ok else EXIT_CELLS_NOT_OK


__all__ = ["copy_bucket", "member_accounts", "moto_port", "run_stepfunctions"]
