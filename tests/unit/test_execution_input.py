"""Execution input: defaults, normalization and one example per error message."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from orgsweep.checks import all_checks
from orgsweep.clock import FakeClock
from orgsweep.pipeline.defaults import RunDefaults
from orgsweep.pipeline.exceptions import InputValidationError, PipelineError
from orgsweep.pipeline.execution_input import ExecutionInput, parse_execution_input
from orgsweep.pipeline.types import RunSettings
from tests.plan_fixtures import PLAIN_ID, PROBE_ID, probe_checks

pytestmark = pytest.mark.unit

CLOCK = FakeClock(datetime(2026, 11, 22, 3, 15, 0, tzinfo=UTC))


@pytest.fixture(autouse=True)
def _checks() -> Iterator[None]:
    with probe_checks():
        yield


def parse(raw: Any, defaults: RunDefaults | None = None) -> ExecutionInput:
    return parse_execution_input(raw, defaults, clock=CLOCK, rng=random.Random(7))


def error_of(raw: Any, defaults: RunDefaults | None = None) -> InputValidationError:
    with pytest.raises(InputValidationError) as info:
        parse(raw, defaults)
    return info.value


def test_empty_input_takes_builtin_defaults() -> None:
    result = parse({})
    assert result.run_id == f"20261122T031500Z-{random.Random(7).getrandbits(24):06x}"
    assert result.role_name == "OrgSweepReadOnly"
    assert result.preset == "default"
    assert result.external_id is None
    assert result.accounts_include == result.accounts_exclude == result.ous == ()
    assert result.regions_include == result.regions_exclude == ()
    assert result.checks_include == result.checks_exclude == ()
    assert dict(result.checks_params) == {}


def test_null_input_is_an_empty_input() -> None:
    assert parse(None).role_name == "OrgSweepReadOnly"


def test_default_run_id_is_deterministic_with_injected_clock_and_rng() -> None:
    assert parse({}).run_id == parse({}).run_id
    other = parse_execution_input({}, clock=CLOCK, rng=random.Random(8))
    assert other.run_id != parse({}).run_id
    assert other.run_id.startswith("20261122T031500Z-")


def test_settings_defaults_apply_when_input_omits_a_field() -> None:
    defaults = RunDefaults(
        role_name="CustomRole",
        external_id="ext-123",
        preset="conservative",
        regions=("us-east-1",),
        ous=("ou-abcd-12345678",),
        accounts_include=("111111111111",),
        accounts_exclude=("222222222222",),
        priority_accounts=("333333333333",),
        priority_ous=("ou-prio-12345678",),
    )
    result = parse({}, defaults)
    assert (result.role_name, result.external_id, result.preset) == ("CustomRole", "ext-123", "conservative")
    assert result.regions_include == ("us-east-1",)
    assert result.ous == ("ou-abcd-12345678",)
    assert result.accounts_include == ("111111111111",)
    assert result.accounts_exclude == ("222222222222",)
    assert result.priority_accounts == ("333333333333",)
    assert result.priority_ous == ("ou-prio-12345678",)


def test_input_overrides_settings_per_field_and_null_means_not_given() -> None:
    defaults = RunDefaults(role_name="CustomRole", regions=("us-east-1",), accounts_exclude=("222222222222",))
    result = parse(
        {"role_name": None, "regions": {"include": ["eu-west-1"]}, "accounts": {"include": ["111111111111"]}},
        defaults,
    )
    assert result.role_name == "CustomRole"
    assert result.regions_include == ("eu-west-1",)
    assert result.accounts_include == ("111111111111",)
    assert result.accounts_exclude == ("222222222222",)


def test_lists_are_deduplicated_and_sorted() -> None:
    result = parse({"regions": {"include": ["us-west-2", "eu-west-1", "us-west-2"]}})
    assert result.regions_include == ("eu-west-1", "us-west-2")


def test_full_document_round_trips_to_run_settings() -> None:
    document = {
        "run_id": "nightly-2026.11.22_a",
        "accounts": {"include": ["111111111111"], "exclude": [], "ous": ["ou-abcd-12345678"]},
        "regions": {"include": ["us-east-1", "us-gov-west-1"], "exclude": []},
        "checks": {"include": [PROBE_ID], "exclude": [PLAIN_ID], "params": {PROBE_ID: {"cpu_pct": 5, "min_days": 2.0}}},
        "preset": "aggressive",
        "role_name": "arn:aws:iam::123456789012:role/path/Sweeper",
        "external_id": "org:sweep/1",
    }
    result = parse(document)
    assert result.to_dict() == {
        **document,
        "checks": {**document["checks"], "params": {PROBE_ID: {"cpu_pct": 5.0, "min_days": 2}}},
    }
    settings = result.run_settings()
    assert isinstance(settings, RunSettings)
    assert settings.to_dict() == {
        "run_id": "nightly-2026.11.22_a",
        "role_name": "arn:aws:iam::123456789012:role/path/Sweeper",
        "external_id": "org:sweep/1",
        "preset": "aggressive",
        "checks": {"include": [PROBE_ID], "exclude": [PLAIN_ID], "params": {PROBE_ID: {"cpu_pct": 5.0, "min_days": 2}}},
    }
    assert RunSettings.from_dict(settings.to_dict()) == settings


@pytest.mark.parametrize(
    ("raw", "field", "problem"),
    [
        ([], "input", "expected an object, got array"),
        (
            {"acounts": {}},
            "acounts",
            "unknown field (allowed: run_id, accounts, regions, checks, preset, role_name, external_id)",
        ),
        ({"accounts": {"includes": []}}, "accounts.includes", "unknown field (allowed: include, exclude, ous)"),
        ({"accounts": []}, "accounts", "expected an object, got array"),
        ({"accounts": {"include": "111111111111"}}, "accounts.include", "expected an array of strings, got string"),
        (
            {"accounts": {"include": ["111111111111", "222222222222", "12345"]}},
            "accounts.include[2]",
            "'12345' is not an AWS account id (12 digits)",
        ),
        ({"accounts": {"exclude": [111111111111]}}, "accounts.exclude[0]", "expected a string, got number"),
        (
            {"accounts": {"ous": ["ou-ABCD-12345678"]}},
            "accounts.ous[0]",
            "'ou-ABCD-12345678' is not an organizational unit id (ou-xxxx-xxxxxxxx)",
        ),
        (
            {"regions": {"include": ["US-EAST-1"]}},
            "regions.include[0]",
            "'US-EAST-1' is not an AWS region name (e.g. us-east-1)",
        ),
        (
            {"regions": {"exclude": ["us-east-1\n"]}},
            "regions.exclude[0]",
            "'us-east-1\\n' is not an AWS region name (e.g. us-east-1)",
        ),
        ({"regions": {"foo": 1}}, "regions.foo", "unknown field (allowed: include, exclude)"),
        ({"checks": {"include": ["nope"]}}, "checks.include[0]", None),
        ({"checks": {"exclude": [PLAIN_ID, 3]}}, "checks.exclude[1]", "expected a string, got number"),
        ({"checks": {"include": PROBE_ID}}, "checks.include", "expected an array of check ids"),
        ({"checks": {"params": {"nope": {}}}}, "checks.params.nope", None),
        ({"checks": {"params": {PROBE_ID: 5}}}, f"checks.params.{PROBE_ID}", "expected an object, got number"),
        (
            {"checks": {"params": {PROBE_ID: {"cpu": 5}}}},
            f"checks.params.{PROBE_ID}.cpu",
            "unknown parameter (known: cpu_pct, min_days)",
        ),
        (
            {"checks": {"params": {PROBE_ID: {"cpu_pct": "5"}}}},
            f"checks.params.{PROBE_ID}.cpu_pct",
            "expected a number, got '5'",
        ),
        (
            {"checks": {"params": {PROBE_ID: {"min_days": 1.5}}}},
            f"checks.params.{PROBE_ID}.min_days",
            "expected an integer, got 1.5",
        ),
        (
            {"checks": {"params": {PROBE_ID: {"cpu_pct": -1}}}},
            f"checks.params.{PROBE_ID}.cpu_pct",
            "must be >= 0, got -1",
        ),
        ({"checks": {"params": []}}, "checks.params", "expected an object, got array"),
        ({"preset": "turbo"}, "preset", "unknown preset 'turbo' (choose one of: aggressive, conservative, default)"),
        ({"preset": 3}, "preset", "expected a string, got number"),
        ({"run_id": "a/b"}, "run_id", None),
        ({"run_id": ".."}, "run_id", None),
        ({"run_id": "x" * 81}, "run_id", None),
        ({"run_id": ""}, "run_id", None),
        ({"role_name": "has space"}, "role_name", None),
        ({"role_name": "arn:aws:iam::12345:role/x"}, "role_name", None),
        ({"role_name": "r" * 65}, "role_name", None),
        ({"external_id": "x"}, "external_id", "'x' is not an external id (2-1224 of letters, digits and +=,.@:/-_)"),
        ({"external_id": "has space"}, "external_id", None),
        ({"external_id": True}, "external_id", "expected a string, got boolean"),
        (
            {"regions": {"include": ["us-east-1"], "exclude": ["us-east-1"]}},
            "regions.exclude",
            "excludes every included region",
        ),
        (
            {"accounts": {"include": ["111111111111"], "exclude": ["111111111111"]}},
            "accounts.exclude",
            "excludes every included account",
        ),
    ],
)
def test_each_error_names_its_field(raw: Any, field: str, problem: str | None) -> None:
    error = error_of(raw)
    assert error.field == field
    if problem is not None:
        assert error.problem == problem
    assert str(error) == f"{field}: {error.problem}"
    assert isinstance(error, ValueError)
    assert isinstance(error, PipelineError)


def test_unknown_check_id_lists_the_known_ones() -> None:
    error = error_of({"checks": {"include": [PROBE_ID, "ebs-volume-unatached"]}})
    assert error.field == "checks.include[1]"
    assert error.problem.startswith("unknown check id 'ebs-volume-unatached' (known: ")
    assert PROBE_ID in error.problem


def test_excluding_every_check_is_an_error() -> None:
    error = error_of({"checks": {"exclude": [c.id for c in all_checks()]}})
    assert (error.field, error.problem) == ("checks.exclude", "no check is left to run after include and exclude")


def test_run_id_error_message() -> None:
    error = error_of({"run_id": "a b"})
    assert error.problem == "'a b' is not a run id (1-80 of A-Z a-z 0-9 _ . -, starting with a letter or digit)"


@pytest.mark.parametrize(
    "region",
    ["us-east-1", "eu-central-2", "ap-southeast-4", "us-gov-west-1", "us-iso-east-1", "us-isob-east-1", "il-central-1"],
)
def test_real_region_names_are_accepted(region: str) -> None:
    assert parse({"regions": {"include": [region]}}).regions_include == (region,)


@pytest.mark.parametrize("role", ["OrgSweepReadOnly", "a+b=c,d.e@f_g-h", "arn:aws-us-gov:iam::123456789012:role/x/y/Z"])
def test_role_names_and_arns_are_accepted(role: str) -> None:
    assert parse({"role_name": role}).role_name == role


# --- settings defaults ---------------------------------------------------------------------------


def test_defaults_from_json_accepts_cdk_context_synonyms() -> None:
    defaults = RunDefaults.from_json(
        '{"member_role_name": "R", "default_preset": "aggressive", "regions": ["eu-west-1"], "external_id": null}'
    )
    assert defaults == RunDefaults(role_name="R", preset="aggressive", regions=("eu-west-1",))
    assert RunDefaults.from_dict(defaults.to_dict()) == defaults
    assert RunDefaults.from_json("") == RunDefaults()


@pytest.mark.parametrize(
    ("text", "field", "problem_start"),
    [
        ("{", "defaults", "is not valid JSON"),
        ("[]", "defaults", "expected an object, got array"),
        ('{"map_max_concurrency": 200}', "defaults.map_max_concurrency", "unknown field"),
        ('{"priority_accounts": ["1"]}', "defaults.priority_accounts[0]", "'1' is not an AWS account id"),
        ('{"preset": "fast"}', "defaults.preset", "unknown preset 'fast'"),
        ('{"role_name": "R", "member_role_name": "S"}', "defaults.member_role_name", "given twice"),
    ],
)
def test_bad_defaults_fail_with_a_defaults_field(text: str, field: str, problem_start: str) -> None:
    with pytest.raises(InputValidationError) as info:
        RunDefaults.from_json(text)
    assert info.value.field == field
    assert info.value.problem.startswith(problem_start)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"": 1}, '[""]'),
        ({"accounts": {"a b": []}}, 'accounts["a b"]'),
        ({"checks": {"params": {"no such check": {}}}}, 'checks.params["no such check"]'),
        ({"checks": {"params": {PROBE_ID: {"cpu pct": 1}}}}, f'checks.params.{PROBE_ID}["cpu pct"]'),
    ],
)
def test_odd_keys_are_quoted_in_the_field_path(raw: Any, field: str) -> None:
    assert error_of(raw).field == field


def test_real_catalogue_params_are_validated() -> None:
    error = error_of({"checks": {"params": {"ec2-instance-idle": {"cpu_pct": "5"}}}})
    assert (error.field, error.problem) == ("checks.params.ec2-instance-idle.cpu_pct", "expected a number, got '5'")
    ok = parse({"checks": {"include": ["ec2-instance-idle"], "params": {"ec2-instance-idle": {"cpu_pct": 5}}}})
    assert dict(ok.checks_params["ec2-instance-idle"]) == {"cpu_pct": 5.0}
