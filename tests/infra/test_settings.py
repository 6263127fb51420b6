"""Settings from cdk.json context: defaults, validation naming the setting, and the plan's run defaults."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from typing import Any

import pytest

from infra.exceptions import SettingsError
from infra.paths import REPO_ROOT
from infra.settings import LOG_RETENTION_DAYS, PRESET_NAMES, Settings

pytestmark = pytest.mark.infra


def test_repository_cdk_json_is_valid_and_read_as_written() -> None:
    document = json.loads((REPO_ROOT / "cdk.json").read_text())["context"]["orgsweep"]
    settings = Settings.from_cdk_json(REPO_ROOT / "cdk.json")
    for key, value in document.items():
        if value is None:
            continue
        got = getattr(settings, key)
        assert (list(got) if isinstance(got, tuple) else got) == value, key


def test_missing_or_null_settings_take_the_defaults() -> None:
    assert Settings.from_context(None) == Settings()
    assert Settings.from_context({}) == Settings()
    assert Settings.from_context({"map_max_concurrency": None, "log_level": None}) == Settings()
    defaults = Settings()
    assert defaults.map_max_concurrency == 200
    assert defaults.member_role_name == "OrgSweepReadOnly"
    assert defaults.scan_role_name == "orgsweep-scan-cell"
    assert defaults.member_stackset_call_as == "SELF"
    assert Settings.from_context({"member_stackset_call_as": "DELEGATED_ADMIN"}).member_stackset_call_as == (
        "DELEGATED_ADMIN"
    )


def test_context_given_as_a_json_string_is_parsed() -> None:
    settings = Settings.from_context('{"map_max_concurrency": 50, "regions": ["eu-west-1"]}')
    assert settings.map_max_concurrency == 50
    assert settings.regions == ("eu-west-1",)


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("map_max_concurrency", 0),
        ("map_max_concurrency", 10_001),
        ("map_max_concurrency", True),
        ("map_max_concurrency", "200"),
        ("map_max_concurrency", 2.5),
        ("tolerated_failure_percentage", -1),
        ("tolerated_failure_percentage", 100.5),
        ("tolerated_failure_percentage", float("nan")),
        ("schedule_enabled", "yes"),
        ("schedule_expression", "daily"),
        ("schedule_expression", "cron(0 3 * * ?)"),
        ("schedule_expression", "rate(0 minutes)"),
        ("member_role_name", "has space"),
        ("member_role_name", "x" * 65),
        ("external_id", "a"),
        ("organization_id", "o-short"),
        ("ous", "ou-abcd-12345678"),
        ("ous", ["ou-bad"]),
        ("regions", ["us-east-1", "nowhere"]),
        ("regions", ["us-east-1", "us-east-1"]),
        ("priority_accounts", ["12345678901"]),
        ("default_preset", "turbo"),
        ("plan_memory_mb", 64),
        ("scan_cell_timeout_s", 901),
        ("aggregate_memory_mb", 10_241),
        ("log_level", "TRACE"),
        ("log_retention_days", 31),
        ("log_retention_days", 0),
        ("results_retention_days", 0),
        ("alarm_email", "not-an-address"),
        ("member_stackset_ous", ["ou-bad"]),
        ("member_stackset_regions", ["us-east-1", "eu-west-1"]),
        ("member_stackset_call_as", "delegated_admin"),
        ("member_stackset_call_as", "ADMIN"),
        ("hub_account_id", "1234"),
        ("athena_database", "Has-Caps"),
        ("athena_bytes_scanned_cutoff", 1000),
    ],
)
def test_a_bad_value_fails_naming_the_setting(setting: str, value: Any) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_context({setting: value})
    assert caught.value.setting.split("[")[0] == setting
    assert f"orgsweep.{setting}" in str(caught.value)


def test_an_unknown_setting_fails_and_lists_the_known_ones() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_context({"map_concurrency": 10})
    assert caught.value.setting == "map_concurrency"
    assert "map_max_concurrency" in caught.value.problem


def test_a_context_that_is_not_an_object_fails() -> None:
    with pytest.raises(SettingsError, match="expected an object"):
        Settings.from_context([1, 2])
    with pytest.raises(SettingsError, match="not valid JSON"):
        Settings.from_context("{nope")


def test_the_member_stackset_needs_target_ous_and_the_organization_id() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_context({"deploy_member_stackset": True, "organization_id": "o-abcdefghij"})
    assert caught.value.setting == "member_stackset_ous"
    with pytest.raises(SettingsError) as caught:
        Settings.from_context({"deploy_member_stackset": True, "member_stackset_ous": ["r-abcd"]})
    assert caught.value.setting == "organization_id"
    ok = Settings.from_context(
        {"deploy_member_stackset": True, "member_stackset_ous": ["r-abcd"], "organization_id": "o-abcdefghij"}
    )
    assert ok.member_stackset_ous == ("r-abcd",)


def test_settings_built_directly_are_validated_too_and_frozen() -> None:
    with pytest.raises(SettingsError, match="map_max_concurrency"):
        Settings(map_max_concurrency=0)
    settings = Settings(regions=["us-east-1"])  # type: ignore[arg-type]
    assert settings.regions == ("us-east-1",)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.map_max_concurrency = 5  # type: ignore[misc]


def test_log_retention_values_are_exactly_what_cloudwatch_accepts() -> None:
    from aws_cdk import aws_logs

    from infra.constructs.step_function import retention

    cdk_values = {member for member in aws_logs.RetentionDays if member is not aws_logs.RetentionDays.INFINITE}
    assert {retention(days) for days in LOG_RETENTION_DAYS} == cdk_values
    assert len(set(LOG_RETENTION_DAYS)) == len(cdk_values)


def test_preset_names_match_the_library() -> None:
    from orgsweep.presets import PRESETS

    assert set(PRESET_NAMES) == set(PRESETS)


def test_run_defaults_are_accepted_by_the_plan_defaults_parser() -> None:
    from orgsweep.pipeline.defaults import RunDefaults

    settings = Settings.from_context(
        {
            "member_role_name": "ScanMe",
            "external_id": "ext-123",
            "default_preset": "aggressive",
            "regions": ["eu-west-1"],
            "ous": ["ou-abcd-12345678"],
            "priority_accounts": ["111111111111"],
        }
    )
    parsed = RunDefaults.from_json(settings.run_defaults_json())
    assert parsed.role_name == "ScanMe"
    assert parsed.external_id == "ext-123"
    assert parsed.preset == "aggressive"
    assert parsed.regions == ("eu-west-1",)
    assert parsed.ous == ("ou-abcd-12345678",)
    assert parsed.priority_accounts == ("111111111111",)
    assert RunDefaults.from_json(Settings().run_defaults_json()) == RunDefaults()


def test_the_app_script_stops_with_a_message_naming_the_bad_setting() -> None:
    env = dict(os.environ, CDK_CONTEXT_JSON=json.dumps({"orgsweep": {"map_max_concurrency": 0}}))
    env["JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION"] = "1"
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "infra" / "app.py")],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "orgsweep.map_max_concurrency: must be between 1 and 10000, got 0" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_setting_is_documented_in_the_deploy_guide() -> None:
    guide = (REPO_ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    undocumented = [f.name for f in dataclasses.fields(Settings) if f"`{f.name}`" not in guide]
    assert undocumented == []
