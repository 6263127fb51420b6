"""`orgsweep demo --engine stepfunctions`: the synthesized workflow, executed by moto with our handlers.

Synthesizes the CDK app with the pinned CLI, deploys the hub stack into the demo server,
starts one execution (Plan → Distributed Map of scan_cell → Aggregate, each Lambda run
in-process), follows it, then copies the results bucket into the output folder so the
summary, `orgsweep query` and the ground-truth score work exactly as for the local engine.
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


def run_stepfunctions(
    console: Console, server: Any, document: dict[str, Any], dest: Any, *, lambda_endpoint_url: str | None = None
) -> tuple[str, int]:
    """Deploy the hub stack into the demo server, run one execution, copy its results to `dest`.

    lambda_endpoint_url: where the Lambdas' AWS calls go (default: the server; a fault proxy in front of it).
    """
    from orgsweep.storage.layout import summary_key
    from orgsweep_local.demo.lambda_runtime import InProcessLambda
    from orgsweep_local.demo.stepfunctions import deploy_hub, quiet_moto, synthesize

    run_id = str(document["run_id"])
    session = server.session()
    with tempfile.TemporaryDirectory(prefix="orgsweep-cdk-") as tmp:
        with console.status("Synthesizing the CDK app with the pinned cdk CLI..."):
            assembly = synthesize(Path(tmp) / "cdk.out")
        lambdas = InProcessLambda(lambda_endpoint_url or server.endpoint_url)
        with moto_port(server.port), quiet_moto(), lambdas as runtime:
            with console.status("Deploying the hub stack into moto (CloudFormation)..."):
                outputs = deploy_hub(session, assembly)
            console.print(f"Deployed the hub stack: {outputs[STATE_MACHINE_OUTPUT]}")
            sfn = session.client("stepfunctions", endpoint_url=server.endpoint_url)
            started = sfn.start_execution(
                stateMachineArn=outputs[STATE_MACHINE_OUTPUT], name=run_id, input=json.dumps(document)
            )
            # Handlers print on moto's threads: leave stdout alone so their lines reach their logs.
            description = follow_execution(console, sfn, started["executionArn"], 1.0, redirect_stdio=False)
            console.print(f"Lambda invocations run in-process: {runtime.invocations} ({runtime.errors} errors)")
    if description["status"] != "SUCCEEDED":
        cause = description.get("cause") or "no cause given"
        raise CliError(f"execution {description['status']}: {description.get('error', '')} {cause}")
    copied = copy_bucket(session, server.endpoint_url, outputs[BUCKET_OUTPUT], dest.storage)
    console.print(f"Copied {copied} objects of s3://{outputs[BUCKET_OUTPUT]} to {dest.description}")
    summary = json.loads(dest.storage.get_bytes(summary_key(run_id)))
    print_summary(console, summary, location=dest.description, query_args=dest.query_args)
    all_ok = set(summary.get("cells", {}).get("by_status", {})) == {"ok"}
    return run_id, EXIT_OK if all_ok else EXIT_CELLS_NOT_OK


__all__ = ["copy_bucket", "moto_port", "run_stepfunctions"]
