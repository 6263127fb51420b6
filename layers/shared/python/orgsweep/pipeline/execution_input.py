"""The execution input (DESIGN §4): parse, validate and normalize it before anything is written.

Resolution of every field: the input's value, else the deployment's `RunDefaults`, else
the built-in default. A JSON null counts as "not given". Any problem raises
`InputValidationError` naming the full path of the offending value; nothing else escapes
`parse_execution_input`, whatever JSON it is handed.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from orgsweep.checks import CheckParamError, UnknownCheckError, all_checks, get_check
from orgsweep.clock import SYSTEM_CLOCK, Clock
from orgsweep.pipeline import validation as v
from orgsweep.pipeline.defaults import RunDefaults
from orgsweep.pipeline.deployed import DeployedAccess
from orgsweep.pipeline.exceptions import InputValidationError
from orgsweep.pipeline.types import RunSettings

TOP_LEVEL_FIELDS = ("run_id", "accounts", "regions", "checks", "preset", "role_name", "external_id")
ACCOUNTS_FIELDS = ("include", "exclude", "ous")
REGIONS_FIELDS = ("include", "exclude")
CHECKS_FIELDS = ("include", "exclude", "params")

CheckParams = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class ExecutionInput:
    """A validated, normalized execution input (lists deduplicated and sorted)."""

    run_id: str
    role_name: str
    external_id: str | None
    preset: str
    accounts_include: tuple[str, ...] = ()
    accounts_exclude: tuple[str, ...] = ()
    ous: tuple[str, ...] = ()
    regions_include: tuple[str, ...] = ()
    regions_exclude: tuple[str, ...] = ()
    checks_include: tuple[str, ...] = ()
    checks_exclude: tuple[str, ...] = ()
    checks_params: CheckParams = field(default_factory=lambda: MappingProxyType({}))
    #: From settings, not input: accounts / OUs whose cells are scanned first.
    priority_accounts: tuple[str, ...] = ()
    priority_ous: tuple[str, ...] = ()

    def run_settings(self) -> RunSettings:
        return RunSettings(
            run_id=self.run_id,
            role_name=self.role_name,
            external_id=self.external_id,
            preset=self.preset,
            checks_include=self.checks_include,
            checks_exclude=self.checks_exclude,
            checks_params={k: dict(p) for k, p in self.checks_params.items()},
        )

    def to_dict(self) -> dict[str, Any]:
        """The normalized input in the DESIGN §4 shape (every default filled in)."""
        return {
            "run_id": self.run_id,
            "accounts": {
                "include": list(self.accounts_include),
                "exclude": list(self.accounts_exclude),
                "ous": list(self.ous),
            },
            "regions": {"include": list(self.regions_include), "exclude": list(self.regions_exclude)},
            "checks": {
                "include": list(self.checks_include),
                "exclude": list(self.checks_exclude),
                "params": {k: dict(p) for k, p in self.checks_params.items()},
            },
            "preset": self.preset,
            "role_name": self.role_name,
            "external_id": self.external_id,
        }


def default_run_id(clock: Clock, rng: random.Random) -> str:
    """UTC time plus a short random suffix, e.g. 20261122T031500Z-a1b2c3 (sorts by time)."""
    return f"{clock.now().strftime('%Y%m%dT%H%M%SZ')}-{rng.getrandbits(24):06x}"


def _section(document: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
    value = document.get(name)
    if value is None:
        return {}
    section = v.expect_object(value, name)
    v.reject_unknown(section, allowed, name)
    return section


def _list(
    section: Mapping[str, Any], path: str, key: str, pattern: v.Pattern, default: tuple[str, ...]
) -> tuple[str, ...]:
    value = section.get(key)
    return default if value is None else v.matching_list(value, v.join(path, key), pattern)


def _known_ids() -> str:
    return ", ".join(c.id for c in all_checks()) or "none registered"


def _check_ids(section: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = section.get(key)
    if value is None:
        return ()
    path = f"checks.{key}"
    if not isinstance(value, list):
        raise InputValidationError(path, "expected an array of check ids")
    ids: set[str] = set()
    for index, item in enumerate(value):
        check_id = v.expect_string(item, f"{path}[{index}]")
        try:
            get_check(check_id)
        except UnknownCheckError as exc:
            raise InputValidationError(f"{path}[{index}]", f"{exc} (known: {_known_ids()})") from exc
        ids.add(check_id)
    return tuple(sorted(ids))


def _check_params(section: Mapping[str, Any]) -> CheckParams:
    value = section.get("params")
    if value is None:
        return MappingProxyType({})
    params = v.expect_object(value, "checks.params")
    normalized: dict[str, Mapping[str, Any]] = {}
    for check_id in sorted(params):
        path = v.join("checks.params", check_id)
        try:
            cls = get_check(check_id)
        except UnknownCheckError as exc:
            raise InputValidationError(path, f"{exc} (known: {_known_ids()})") from exc
        raw = v.expect_object(params[check_id], path)
        try:
            built = cls.from_raw_params(raw)
        except CheckParamError as exc:
            # exc.field is "<check_id>.<param>" (or just the check id).
            param = exc.field[len(check_id) + 1 :] if exc.field.startswith(f"{check_id}.") else ""
            raise InputValidationError(v.join(path, param) if param else path, exc.message) from exc
        # Keep only what the user set, with validated/coerced values (ints for int params...).
        normalized[check_id] = MappingProxyType({name: getattr(built.params, name) for name in sorted(raw)})
    return MappingProxyType(normalized)


def _require_some_check(include: tuple[str, ...], exclude: tuple[str, ...]) -> None:
    selected = [c.id for c in all_checks() if (not include or c.id in include) and c.id not in exclude]
    if not selected:
        field_name = "checks.exclude" if exclude else "checks.include"
        raise InputValidationError(field_name, "no check is left to run after include and exclude")


def parse_execution_input(
    raw: Any,
    defaults: RunDefaults | None = None,
    *,
    deployed: DeployedAccess | None = None,
    clock: Clock = SYSTEM_CLOCK,
    rng: random.Random | None = None,
) -> ExecutionInput:
    """Validate `raw` (the decoded JSON execution input) and resolve every default.

    With `deployed` (the plan Lambda's), a role name or external id the deployed roles cannot
    use is refused here, once, instead of failing in every cell.
    """
    defaults = defaults if defaults is not None else RunDefaults()
    document = v.expect_object({} if raw is None else raw, "input")
    v.reject_unknown(document, TOP_LEVEL_FIELDS, "")

    accounts = _section(document, "accounts", ACCOUNTS_FIELDS)
    regions = _section(document, "regions", REGIONS_FIELDS)
    checks = _section(document, "checks", CHECKS_FIELDS)

    run_id_value = document.get("run_id")
    external_id_value = document.get("external_id")
    role_value = document.get("role_name")
    preset_value = document.get("preset")
    checks_include = _check_ids(checks, "include")
    checks_exclude = _check_ids(checks, "exclude")
    result = ExecutionInput(
        run_id=(
            v.matching(run_id_value, "run_id", v.RUN_ID)
            if run_id_value is not None
            else default_run_id(clock, rng if rng is not None else random.Random())
        ),
        role_name=defaults.role_name if role_value is None else v.role(role_value, "role_name"),
        external_id=(
            v.matching(external_id_value, "external_id", v.EXTERNAL_ID)
            if external_id_value is not None
            else defaults.external_id
        ),
        preset=defaults.preset if preset_value is None else v.preset_name(preset_value, "preset"),
        accounts_include=_list(accounts, "accounts", "include", v.ACCOUNT_ID, defaults.accounts_include),
        accounts_exclude=_list(accounts, "accounts", "exclude", v.ACCOUNT_ID, defaults.accounts_exclude),
        ous=_list(accounts, "accounts", "ous", v.OU_ID, defaults.ous),
        regions_include=_list(regions, "regions", "include", v.REGION, defaults.regions),
        regions_exclude=_list(regions, "regions", "exclude", v.REGION, ()),
        checks_include=checks_include,
        checks_exclude=checks_exclude,
        checks_params=_check_params(checks),
        priority_accounts=defaults.priority_accounts,
        priority_ous=defaults.priority_ous,
    )
    _require_some_check(checks_include, checks_exclude)
    if result.regions_include and not set(result.regions_include) - set(result.regions_exclude):
        raise InputValidationError("regions.exclude", "excludes every included region")
    if result.accounts_include and not set(result.accounts_include) - set(result.accounts_exclude):
        raise InputValidationError("accounts.exclude", "excludes every included account")
    if deployed is not None:
        deployed.check(
            result.role_name,
            result.external_id,
            role_field="role_name" if role_value is not None else "defaults.role_name",
            external_id_field="external_id" if external_id_value is not None else "defaults.external_id",
        )
    return result


__all__ = ["ExecutionInput", "default_run_id", "parse_execution_input"]
