"""One synth per test session, shared by every infra test (they run on one xdist worker: group "cdk").

The real `cdk synth` of the pinned CLI runs in the background while the same app is
synthesized in-process with the context the CLI hands it; tests read templates from both.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from infra.paths import REPO_ROOT
from infra.settings import Settings

CDK_CLI = REPO_ROOT / "node_modules" / ".bin" / "cdk"
ASL_VALIDATOR = REPO_ROOT / "node_modules" / ".bin" / "asl-validator"
HUB = "OrgSweep"
MEMBER = "OrgSweepMemberRole"
#: Context keys the CDK CLI adds to cdk.json's context when it runs the app.
CLI_CONTEXT = {
    "aws:cdk:enable-path-metadata": True,
    "aws:cdk:enable-asset-metadata": True,
    "aws:cdk:version-reporting": True,
    "aws:cdk:bundling-stacks": ["**"],
}


@dataclass(frozen=True)
class Synth:
    """Where a synth wrote its cloud assembly, and its templates."""

    outdir: Path

    def template(self, stack: str) -> dict[str, Any]:
        document: dict[str, Any] = json.loads((self.outdir / f"{stack}.template.json").read_text())
        return document

    @property
    def hub(self) -> dict[str, Any]:
        return self.template(HUB)

    @property
    def member(self) -> dict[str, Any]:
        return self.template(MEMBER)


@dataclass(frozen=True)
class CliResult:
    synth: Synth
    returncode: int
    output: str


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION="1",
        CDK_DISABLE_CLI_TELEMETRY="true",
        PATH=f"{REPO_ROOT / 'node_modules' / '.bin'}{os.pathsep}{env.get('PATH', '')}",
    )
    return env


@pytest.fixture(scope="session")
def settings() -> Settings:
    """The settings of the repository's cdk.json (what both synths use)."""
    return Settings.from_cdk_json(REPO_ROOT / "cdk.json")


def _synthesize(base: Path) -> tuple[int, str]:
    """Run the CLI synth (background) and the in-process synth into `base`; the CLI's (returncode, output)."""
    from infra.app import build_app, cdk_json_context

    log = base / "cli.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [str(CDK_CLI), "synth", "--quiet", "--no-notices", "-o", str(base / "cli.out")],
            cwd=REPO_ROOT,
            env=cli_env(),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            build_app(outdir=str(base / "in-process.out"), context={**cdk_json_context(), **CLI_CONTEXT}).synth()
            returncode = process.wait(timeout=600)
        finally:
            if process.poll() is None:
                process.kill()
    return returncode, log.read_text()


@pytest.fixture(scope="session")
def synths(tmp_path_factory: pytest.TempPathFactory) -> tuple[Synth, CliResult]:
    """(in-process synth, CLI synth), made concurrently, once per test run even across xdist workers.

    xdist_group("cdk") should keep these tests on one worker, but pytest-xdist 3.8 does not
    group under pytest 9, so the first worker synthesizes under a file lock and the others reuse it.
    """
    if not CDK_CLI.exists():
        pytest.fail(f"the pinned CDK CLI is missing: {CDK_CLI} (run `make setup`)")
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    base = tmp_path_factory.getbasetemp()
    base = base.parent / f"cdk-synth-{run}" if run else base / "cdk-synth"
    base.mkdir(parents=True, exist_ok=True)
    with (base / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = base / "done.json"
        if not done.exists():
            returncode, output = _synthesize(base)
            done.write_text(json.dumps({"returncode": returncode, "output": output}))
        result = json.loads(done.read_text())
    cli = CliResult(Synth(base / "cli.out"), result["returncode"], result["output"])
    return Synth(base / "in-process.out"), cli


@pytest.fixture(scope="session")
def in_process(synths: tuple[Synth, CliResult]) -> Synth:
    return synths[0]


@pytest.fixture(scope="session")
def cli(synths: tuple[Synth, CliResult]) -> CliResult:
    result = synths[1]
    if result.returncode != 0:
        pytest.fail(f"`cdk synth` failed ({result.returncode}):\n{result.output[-4000:]}")
    return result


@pytest.fixture(scope="session")
def hub(in_process: Synth) -> dict[str, Any]:
    return in_process.hub


@pytest.fixture(scope="session")
def member(in_process: Synth) -> dict[str, Any]:
    return in_process.member


#: Every optional resource on: the member StackSet (as a delegated administrator), the alarm
#: e-mail, an enabled schedule, an external id and the organization id.
ALL_OPTIONS: dict[str, Any] = {
    "deploy_member_stackset": True,
    "member_stackset_call_as": "DELEGATED_ADMIN",
    "member_stackset_ous": ["r-abcd"],
    "organization_id": "o-abcdefghij",
    "external_id": "ext-4242",
    "alarm_email": "ops@example.com",
    "schedule_enabled": True,
}


@pytest.fixture(scope="session")
def hub_all_options() -> dict[str, Any]:
    """The hub with every optional resource, synthesized in-process (no CLI, no cdk-nag)."""
    from aws_cdk import App
    from aws_cdk.assertions import Template

    from infra.app import cdk_json_context
    from infra.stacks.hub_stack import HubStack

    flags = {key: value for key, value in cdk_json_context().items() if key != "orgsweep"}  # cdk.json feature flags
    stack = HubStack(App(analytics_reporting=False, context=flags), HUB, settings=Settings.from_context(ALL_OPTIONS))
    template: dict[str, Any] = Template.from_stack(stack).to_json()
    return template
