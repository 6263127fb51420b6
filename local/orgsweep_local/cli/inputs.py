"""Execution input from command-line options (and an optional --input JSON file).

The options map one to one onto the execution input of DESIGN §4; a given option replaces
that field of the --input file. Everything is validated by the same parser the plan Lambda
uses, before anything is written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from orgsweep_local.cli.errors import invalid
from orgsweep_local.cli.types import InputOptions, Strings

_INPUT = "Execution input"


def _opt(flag: str, metavar: str, text: str) -> Any:
    return typer.Option(flag, metavar=metavar, help=text, rich_help_panel=_INPUT)


AccountOpt = Annotated[Strings, _opt("--account", "ACCOUNT_ID", "Scan only this account (repeatable).")]
ExcludeAccountOpt = Annotated[Strings, _opt("--exclude-account", "ACCOUNT_ID", "Skip this account (repeatable).")]
OuOpt = Annotated[Strings, _opt("--ou", "OU_ID", "Scan only accounts under this OU, at any depth (repeatable).")]
RegionOpt = Annotated[
    Strings, _opt("--region", "REGION", "Scan this region (repeatable; default: each account's enabled regions).")
]
ExcludeRegionOpt = Annotated[Strings, _opt("--exclude-region", "REGION", "Skip this region (repeatable).")]
CheckOpt = Annotated[Strings, _opt("--check", "CHECK_ID", "Run only this check (repeatable; see `orgsweep checks`).")]
ExcludeCheckOpt = Annotated[Strings, _opt("--exclude-check", "CHECK_ID", "Skip this check (repeatable).")]
ParamOpt = Annotated[
    Strings,
    _opt("--param", "CHECK.NAME=VALUE", "Set a check parameter, e.g. ec2-instance-idle.cpu_pct=5 (repeatable)."),
]
PresetOpt = Annotated[
    str | None, _opt("--preset", "NAME", "conservative | default | aggressive (parallelism and API rates).")
]
RoleNameOpt = Annotated[
    str | None, _opt("--role-name", "NAME|ARN", "Member role to assume (default OrgSweepReadOnly).")
]
ExternalIdOpt = Annotated[str | None, _opt("--external-id", "ID", "External id for sts:AssumeRole.")]
RunIdOpt = Annotated[
    str | None, _opt("--run-id", "RUN_ID", "Run id (default: UTC time + random suffix); re-using one overwrites it.")
]
InputFileOpt = Annotated[
    Path | None, _opt("--input", "FILE.json", "Execution input JSON file; the options above override its fields.")
]


def parse_param(text: str) -> tuple[str, str, Any]:
    """`check-id.name=value` → (check id, name, value); the value is JSON when it parses, else a string."""
    key, sep, raw = text.partition("=")
    check_id, dot, name = key.strip().rpartition(".")
    if not sep or not dot or not check_id or not name:
        raise invalid(f"--param {text!r}: expected CHECK.NAME=VALUE, e.g. ec2-instance-idle.cpu_pct=5")
    try:
        value: Any = json.loads(raw)
    except ValueError:
        value = raw
    return check_id, name, value


def _read_input_file(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise invalid(f"--input {path}: cannot read it: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise invalid(f"--input {path}: not valid JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise invalid(f"--input {path}: expected a JSON object (the execution input)")
    return document


def raw_input(options: InputOptions) -> dict[str, Any]:
    """The execution input document the options describe (not yet validated)."""
    document = _read_input_file(options.input_file) if options.input_file else {}

    def section(name: str) -> dict[str, Any]:
        value = document.get(name)
        if value is None:
            document[name] = value = {}
        if not isinstance(value, dict):
            raise invalid(f"{name}: expected an object, got {type(value).__name__}")
        return value

    for name, key, values in (
        ("accounts", "include", options.accounts),
        ("accounts", "exclude", options.exclude_accounts),
        ("accounts", "ous", options.ous),
        ("regions", "include", options.regions),
        ("regions", "exclude", options.exclude_regions),
        ("checks", "include", options.checks),
        ("checks", "exclude", options.exclude_checks),
    ):
        if values:
            section(name)[key] = list(values)
    if options.params:
        params = section("checks").setdefault("params", {})
        if not isinstance(params, dict):
            raise invalid("checks.params: expected an object")
        for text in options.params:
            check_id, name, value = parse_param(text)
            params.setdefault(check_id, {})[name] = value
    for key, value in (
        ("preset", options.preset),
        ("role_name", options.role_name),
        ("external_id", options.external_id),
        ("run_id", options.run_id),
    ):
        if value is not None:
            document[key] = value
    return {k: v for k, v in document.items() if v != {}}


def validated_input(options: InputOptions) -> tuple[dict[str, Any], Any]:
    """(the raw document, its validated ExecutionInput); InputValidationError names the bad field."""
    from orgsweep.pipeline.execution_input import parse_execution_input

    document = raw_input(options)
    return document, parse_execution_input(document)


__all__ = [
    "AccountOpt",
    "CheckOpt",
    "ExcludeAccountOpt",
    "ExcludeCheckOpt",
    "ExcludeRegionOpt",
    "ExternalIdOpt",
    "InputFileOpt",
    "InputOptions",
    "OuOpt",
    "ParamOpt",
    "PresetOpt",
    "RegionOpt",
    "RoleNameOpt",
    "RunIdOpt",
    "parse_param",
    "raw_input",
    "validated_input",
]
