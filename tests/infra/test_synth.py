"""The real synth: CLI succeeds, cdk-nag is clean, cfn-lint is clean, ASL is valid, output is deterministic."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from infra.nag import MIN_REASON_LENGTH
from tests.infra.conftest import ASL_VALIDATOR, HUB, MEMBER, CliResult, Synth
from tests.infra.templates import nag_acknowledgements, state_machine_definition

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("cdk")]

#: cfn-lint findings accepted, with why. CDK adds an explicit DependsOn on a role next to the
#: Fn::GetAtt of that role (functions, state machine): redundant, harmless, not removable via the L2.
ACCEPTED_CFN_LINT = {"W3005": "redundant DependsOn on a role that CDK also references with Fn::GetAtt"}


def test_the_pinned_cli_synthesizes_both_stacks(cli: CliResult) -> None:
    for stack in (HUB, MEMBER):
        assert (cli.synth.outdir / f"{stack}.template.json").is_file()
    manifest = json.loads((cli.synth.outdir / "manifest.json").read_text())
    assert {HUB, MEMBER} <= set(manifest["artifacts"])


@pytest.mark.parametrize("which", ["in-process", "cli"])
def test_cdk_nag_reports_no_unacknowledged_finding(which: str, in_process: Synth, cli: CliResult) -> None:
    # cdk-nag 3 is a policy-validation plugin: a finding fails synth, and the report lists it.
    outdir = in_process.outdir if which == "in-process" else cli.synth.outdir
    report = json.loads((outdir / "validation-report.json").read_text())
    violations = [v for plugin in report["pluginReports"] for v in plugin.get("violations", [])]
    assert violations == []
    assert all(plugin["conclusion"] == "success" for plugin in report["pluginReports"])


def test_cdk_nag_really_runs_on_the_app(in_process: Synth) -> None:
    # the acknowledgements reach the templates only through the AwsSolutions pack's aspect
    acknowledged = {rule for t in (in_process.hub, in_process.member) for _, rule, _ in nag_acknowledgements(t)}
    assert "AwsSolutions-L1" in acknowledged
    assert any(rule.startswith("AwsSolutions-IAM5[") for rule in acknowledged)


def test_cdk_nag_fails_synth_on_a_finding(tmp_path: Path) -> None:
    from aws_cdk import App, Stack, Validations
    from aws_cdk import aws_s3 as s3
    from cdk_nag import AwsSolutionsChecks

    app = App(outdir=str(tmp_path))
    s3.Bucket(Stack(app, "Bad"), "NoAccessLogs", enforce_ssl=True)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    with pytest.raises(Exception, match="AwsSolutions-S1"):
        app.synth()


def test_every_acknowledgement_is_specific_and_explained(in_process: Synth) -> None:
    acknowledgements = [a for t in (in_process.hub, in_process.member) for a in nag_acknowledgements(t)]
    assert acknowledgements
    for logical_id, rule, reason in acknowledgements:
        assert rule.startswith("AwsSolutions-"), (logical_id, rule)
        assert len(reason) >= MIN_REASON_LENGTH, (logical_id, rule, reason)
        if rule.startswith("AwsSolutions-IAM5"):
            assert rule.endswith("]"), f"{logical_id}: IAM5 must name the exact finding, got {rule}"


@pytest.mark.parametrize("stack", [HUB, MEMBER])
def test_cfn_lint_finds_nothing_but_accepted_warnings(stack: str, cli: CliResult) -> None:
    from cfnlint.api import lint_all

    matches = lint_all((cli.synth.outdir / f"{stack}.template.json").read_text())
    unexpected = [f"{m.rule.id} {m.message}" for m in matches if m.rule.id not in ACCEPTED_CFN_LINT]
    assert unexpected == []
    assert not [m for m in matches if m.rule.id.startswith("E")]


def _asl_validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ASL_VALIDATOR), "--json-path", str(path)], capture_output=True, text=True, timeout=120, check=False
    )


def test_the_state_machine_definition_is_valid_asl(cli: CliResult, tmp_path: Path) -> None:
    definition = state_machine_definition(cli.synth.hub)
    path = tmp_path / "definition.json"
    path.write_text(json.dumps(definition))
    result = _asl_validate(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_asl_validator_rejects_a_broken_definition(cli: CliResult, tmp_path: Path) -> None:
    definition: dict[str, Any] = state_machine_definition(cli.synth.hub)
    definition["States"]["Sweep"]["Next"] = "NoSuchState"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(definition))
    assert _asl_validate(path).returncode != 0


def test_two_synths_are_byte_identical(in_process: Synth, cli: CliResult) -> None:
    # The CLI's synth and an in-process synth with the same context, made at the same time.
    for name in (f"{HUB}.template.json", f"{MEMBER}.template.json", f"{HUB}.assets.json"):
        assert (in_process.outdir / name).read_bytes() == (cli.synth.outdir / name).read_bytes(), name


def test_the_member_template_body_is_deterministic(settings: Any) -> None:
    from infra.stacks.member_role_stack import member_template_body

    assert member_template_body(settings) == member_template_body(settings)


def test_assets_ship_no_bytecode_tests_or_install_metadata(in_process: Synth) -> None:
    assets = json.loads((in_process.outdir / f"{HUB}.assets.json").read_text())["files"]
    assert len(assets) >= 2  # the shared layer and the function code
    for asset in assets.values():
        root = in_process.outdir / asset["source"]["path"]
        leaked = [
            p.relative_to(root).as_posix()
            for p in root.rglob("*")
            if p.name == "__pycache__" or p.suffix == ".pyc" or p.name.endswith(".egg-info") or p.name == "tests"
        ]
        assert leaked == [], asset["source"]["path"]
