"""Command-line options → execution input document, and the member role policy generator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orgsweep.checks import Check
from orgsweep.checks.policy import CELL_ACTIONS, MemberPolicyError, member_role_actions, member_role_trust_policy
from orgsweep_local.cli.errors import CliError
from orgsweep_local.cli.inputs import InputOptions, parse_param, raw_input, validated_input

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ec2-instance-idle.cpu_pct=5", ("ec2-instance-idle", "cpu_pct", 5)),
        ("ec2-instance-idle.net_mb=2.5", ("ec2-instance-idle", "net_mb", 2.5)),
        ("x.y=hello", ("x", "y", "hello")),
        ("x.y=", ("x", "y", "")),
    ],
)
def test_parse_param(text: str, expected: tuple[str, str, object]) -> None:
    assert parse_param(text) == expected


@pytest.mark.parametrize("text", ["cpu_pct=5", "ec2-instance-idle.cpu_pct", ".x=1", "a.=1"])
def test_parse_param_rejects_malformed(text: str) -> None:
    with pytest.raises(CliError, match=r"expected CHECK\.NAME=VALUE") as info:
        parse_param(text)
    assert info.value.exit_code == 2


def test_options_override_the_input_file(tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"regions": {"include": ["eu-west-1"], "exclude": ["eu-west-2"]}, "preset": "aggressive",
                                "checks": {"params": {"elb-idle": {"lookback_days": 3}}}}))
    options = InputOptions(
        regions=["us-east-1"], accounts=["111111111111"], params=["elb-idle.min_daily_requests=10"],
        preset="conservative", run_id="r-1", input_file=path,
    )
    assert raw_input(options) == {
        "regions": {"include": ["us-east-1"], "exclude": ["eu-west-2"]},
        "accounts": {"include": ["111111111111"]},
        "checks": {"params": {"elb-idle": {"lookback_days": 3, "min_daily_requests": 10}}},
        "preset": "conservative",
        "run_id": "r-1",
    }
    _document, parsed = validated_input(options)
    assert parsed.run_id == "r-1" and parsed.preset == "conservative"
    assert dict(parsed.checks_params["elb-idle"]) == {"lookback_days": 3, "min_daily_requests": 10}


def test_no_options_is_an_empty_input() -> None:
    assert raw_input(InputOptions()) == {}


def test_member_role_actions_are_the_checks_plus_the_cell_actions() -> None:
    actions = member_role_actions()
    assert set(CELL_ACTIONS) <= set(actions)
    assert list(actions) == sorted(set(actions), key=str.lower)


def test_a_check_declaring_a_write_action_is_refused() -> None:
    class Bad(Check):
        id = "bad-check"
        resource_type = "AWS::EC2::Volume"
        description = "deletes things"
        permissions = ("ec2:DescribeVolumes", "ec2:DeleteVolume")

        def discover(self, ctx):  # type: ignore[no-untyped-def]
            return []

        def evaluate(self, resource, metrics, ctx):  # type: ignore[no-untyped-def]
            raise NotImplementedError

    with pytest.raises(MemberPolicyError, match="'bad-check' declares 'ec2:DeleteVolume'"):
        member_role_actions([Bad])


def test_trust_policy_conditions() -> None:
    plain = member_role_trust_policy("123456789012")["Statement"][0]
    assert "Condition" not in plain
    narrowed = member_role_trust_policy(
        "123456789012", scan_role_name="orgsweep-scan", external_id="e-1", organization_id="o-abc"
    )["Statement"][0]
    assert narrowed["Condition"] == {
        "ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/orgsweep-scan"},
        "StringEquals": {"sts:ExternalId": "e-1", "aws:PrincipalOrgID": "o-abc"},
    }


def test_the_explore_line_names_a_command_that_works_when_pasted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orgsweep_local.cli.render import command_name

    script = tmp_path / "bin" / "orgsweep"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", "/nonexistent")
    assert command_name(".venv/bin/orgsweep") == ".venv/bin/orgsweep"
    assert command_name("/usr/lib/python3/runpy.py") == "orgsweep"
    monkeypatch.setenv("PATH", str(script.parent))
    assert command_name(str(script)) == "orgsweep"
