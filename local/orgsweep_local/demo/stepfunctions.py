"""Deploy the synthesized hub stack into the demo's moto, so the real state machine can run (demo-only).

What it takes (TESTING-NOTES): the cloud assembly comes from the pinned CDK CLI (a
subprocess: the library never imports CDK); its file assets are zipped into the bootstrap
bucket and the bootstrap version parameter is created, as `cdk bootstrap` would have (the
stack's layers are its own assets, so nothing else is needed); and while CloudFormation
creates the state machine, moto's Step Functions backend is the executing one.
"""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from orgsweep.clock import SYSTEM_CLOCK, Clock
from orgsweep_local.demo.environment import child_environment
from orgsweep_local.demo.exceptions import DemoError
from orgsweep_local.demo.server import HUB_ACCOUNT_ID

QUALIFIER = "hnb659fds"
BOOTSTRAP_VERSION_PARAMETER = f"/cdk-bootstrap/{QUALIFIER}/version"
BOOTSTRAP_VERSION = "30"
HUB_STACK = "OrgSweep"
_CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]


def repository_root() -> Path:
    """The checkout this library runs from (local/orgsweep_local/demo → three levels up)."""
    return Path(__file__).resolve().parents[3]


def synthesize(outdir: Path, *, repo_root: Path | None = None, timeout_s: float = 600) -> Path:
    """`cdk synth` with the repository's pinned CLI into `outdir`; return the cloud assembly folder."""
    root = repo_root or repository_root()
    cdk = root / "node_modules" / ".bin" / "cdk"
    if not cdk.is_file() or not (root / "cdk.json").is_file():
        raise DemoError(f"the Step Functions demo needs the repository checkout with the pinned CDK CLI ({cdk}): "
                        "run `make setup` (npm ci)")
    environment = child_environment(
        extra={"JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1", "CDK_DISABLE_VERSION_CHECK": "1"},
        drop=("AWS_ENDPOINT_URL", "AWS_PROFILE"),  # synth is offline; it must not see the demo's endpoint
    )
    try:
        done = subprocess.run(
            [str(cdk), "synth", "--quiet", "--output", str(outdir)],
            cwd=root, env=environment, capture_output=True, text=True, timeout=timeout_s, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DemoError(f"cdk synth failed: {exc}") from exc
    if done.returncode != 0:
        tail = " | ".join(done.stderr.strip().splitlines()[-5:])
        raise DemoError(f"cdk synth failed (exit {done.returncode}): {tail}")
    return outdir


def _zip_directory(folder: Path) -> bytes:
    # The fastest deflate level: the zips only travel to the embedded moto, and the dependency
    # layers are ~180 MB unzipped (level 1 zips them in a third of the default's time).
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED, compresslevel=1)
    return buffer.getvalue()


def stage_assets(session: Any, assembly: Path, *, stack: str = HUB_STACK, region: str = "us-east-1") -> int:
    """Upload the stack's file assets to the bootstrap bucket, create the bootstrap parameter; return asset count."""
    manifest = json.loads((assembly / f"{stack}.assets.json").read_text(encoding="utf-8"))
    bucket = f"cdk-{QUALIFIER}-assets-{HUB_ACCOUNT_ID}-{region}"
    s3 = session.client("s3", region_name=region)
    s3.create_bucket(Bucket=bucket)
    count = 0
    for asset in manifest.get("files", {}).values():
        source = assembly / asset["source"]["path"]
        data = _zip_directory(source) if source.is_dir() else source.read_bytes()
        for destination in asset["destinations"].values():
            s3.put_object(Bucket=bucket, Key=destination["objectKey"], Body=data)
        count += 1
    session.client("ssm", region_name=region).put_parameter(
        Name=BOOTSTRAP_VERSION_PARAMETER, Value=BOOTSTRAP_VERSION, Type="String", Overwrite=True
    )
    return count


@contextmanager
def executable_state_machines() -> Iterator[None]:
    """State machines created meanwhile (by CloudFormation) land in moto's executing backend."""
    from moto.stepfunctions import models
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    saved = models.stepfunctions_backends
    models.stepfunctions_backends = stepfunctions_parser_backends  # type: ignore[assignment]
    try:
        yield
    finally:
        models.stepfunctions_backends = saved


#: A ResultWriter `Prefix.$` JsonPath (moto evaluates it against the Map's result, not its input).
_RESULT_WRITER_PREFIX = re.compile(r'\\"Prefix\.\$\\":\\"[^"]*?\\"')
MOTO_RESULT_WRITER_PREFIX = "results/moto-result-writer"


def moto_compatible(template_text: str) -> str:
    """Work around two moto gaps in the state machine definition, changing nothing AWS would observe.

    moto rejects an integer ToleratedFailurePercentage (AWS takes any number): it becomes a
    float. moto evaluates a ResultWriter's `Prefix.$` against the Map's output instead of its
    input, so the path fails and the Map with it; since moto's ResultWriter writes only an
    empty manifest anyway, a fixed prefix replaces it.
    """
    text = re.sub(r'(\\"ToleratedFailurePercentage\\":)(\d+)([,}])', r"\g<1>\g<2>.0\g<3>", template_text)
    return _RESULT_WRITER_PREFIX.sub(lambda _: f'\\"Prefix\\":\\"{MOTO_RESULT_WRITER_PREFIX}\\"', text)


@contextmanager
def quiet_moto() -> Iterator[None]:
    """Silence moto's own warnings (unsupported CloudFormation types, interpreter traces) for the block.

    The outcome that matters (a stack event, an execution's error and cause) is reported by
    the caller; moto's log lines about Glue tables it skips would only bury it.
    """
    logger = logging.getLogger("moto")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=UserWarning, module=r"moto\..*")
            yield
    finally:
        logger.setLevel(level)


def deploy_hub(
    session: Any,
    assembly: Path,
    *,
    stack: str = HUB_STACK,
    region: str = "us-east-1",
    timeout_s: float = 300,
    clock: Clock = SYSTEM_CLOCK,
) -> dict[str, str]:
    """Create the hub stack in moto from the cloud assembly; return its outputs."""
    text = (assembly / f"{stack}.template.json").read_text(encoding="utf-8")
    stage_assets(session, assembly, stack=stack, region=region)
    cloudformation = session.client("cloudformation", region_name=region)
    with executable_state_machines():
        cloudformation.create_stack(StackName=stack, TemplateBody=moto_compatible(text), Capabilities=_CAPABILITIES)
        described = wait_for_stack(cloudformation, stack, timeout_s=timeout_s, clock=clock)
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


def wait_for_stack(
    cloudformation: Any, stack: str, *, timeout_s: float = 300, clock: Clock = SYSTEM_CLOCK
) -> dict[str, Any]:
    """The stack's description once CREATE_COMPLETE; a DemoError naming the failed resources otherwise."""
    deadline = clock.monotonic() + timeout_s
    while True:
        described: dict[str, Any] = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
        status = described["StackStatus"]
        if not status.endswith("_IN_PROGRESS"):
            break
        if clock.monotonic() > deadline:
            raise DemoError(f"stack {stack} still {status} after {timeout_s:.0f}s")
        clock.sleep(0.2)
    if status != "CREATE_COMPLETE":
        events = cloudformation.describe_stack_events(StackName=stack)["StackEvents"]
        reasons = [f"{e['LogicalResourceId']}: {e.get('ResourceStatusReason')}" for e in events
                   if "FAILED" in e.get("ResourceStatus", "")]
        raise DemoError(f"stack {stack} is {status}: {'; '.join(reasons[:5]) or 'no reason given'}")
    return described


__all__ = [
    "BOOTSTRAP_VERSION_PARAMETER",
    "HUB_STACK",
    "deploy_hub",
    "executable_state_machines",
    "moto_compatible",
    "quiet_moto",
    "repository_root",
    "stage_assets",
    "synthesize",
    "wait_for_stack",
]
