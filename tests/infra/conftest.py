"""One synth per test session, shared by every infra test (they run on one xdist worker: group "cdk").

The real `cdk synth` of the pinned CLI runs in the background while the same app is
synthesized in-process with the context the CLI hands it; tests read templates from both.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
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


@pytest.fixture(scope="session")
def synths(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Synth, CliResult]]:
    """(in-process synth, CLI synth), made concurrently once per session."""
    if not CDK_CLI.exists():
        pytest.fail(f"the pinned CDK CLI is missing: {CDK_CLI} (run `make setup`)")
    base = tmp_path_factory.mktemp("cdk")
    cli_out = base / "cli.out"
    log = base / "cli.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [str(CDK_CLI), "synth", "--quiet", "--no-notices", "-o", str(cli_out)],
            cwd=REPO_ROOT,
            env=cli_env(),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            from infra.app import build_app, cdk_json_context

            in_process = base / "in-process.out"
            build_app(outdir=str(in_process), context={**cdk_json_context(), **CLI_CONTEXT}).synth()
            returncode = process.wait(timeout=600)
        finally:
            if process.poll() is None:
                process.kill()
    yield Synth(in_process), CliResult(Synth(cli_out), returncode, log.read_text())


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
