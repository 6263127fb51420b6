"""Deployment-wide defaults of an execution input (the settings layer between input and built-ins).

The plan Lambda gets them as JSON in an environment variable (set by the CDK app from
cdk.json context); the CLI builds them from its options. They are validated like input,
with field paths under ``defaults.``, so a bad deployment setting fails loudly and early.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from orgsweep.pipeline import validation as v
from orgsweep.pipeline.exceptions import InputValidationError
from orgsweep.presets import DEFAULT_PRESET_NAME

DEFAULT_ROLE_NAME = "OrgSweepReadOnly"

#: cdk.json context names accepted as synonyms of RunDefaults fields.
_ALIASES = {"member_role_name": "role_name", "default_preset": "preset"}


@dataclass(frozen=True, slots=True)
class RunDefaults:
    """Defaults for every execution input field a deployment may preset, plus scan priorities.

    Empty tuples mean "no default" (e.g. all regions). `priority_accounts` and `priority_ous`
    are not input fields: cells of those accounts (or of accounts under those OUs, at any
    depth) are scanned first.
    """

    role_name: str = DEFAULT_ROLE_NAME
    external_id: str | None = None
    preset: str = DEFAULT_PRESET_NAME
    regions: tuple[str, ...] = ()
    ous: tuple[str, ...] = ()
    accounts_include: tuple[str, ...] = ()
    accounts_exclude: tuple[str, ...] = ()
    priority_accounts: tuple[str, ...] = ()
    priority_ous: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "role_name", v.role(self.role_name, "defaults.role_name"))
        if self.external_id is not None:
            v.matching(self.external_id, "defaults.external_id", v.EXTERNAL_ID)
        v.preset_name(self.preset, "defaults.preset")
        for name, pattern in (
            ("regions", v.REGION),
            ("ous", v.OU_ID),
            ("accounts_include", v.ACCOUNT_ID),
            ("accounts_exclude", v.ACCOUNT_ID),
            ("priority_accounts", v.ACCOUNT_ID),
            ("priority_ous", v.OU_ID),
        ):
            set_(self, name, v.matching_list(getattr(self, name), f"defaults.{name}", pattern))

    @classmethod
    def from_dict(cls, data: Any) -> RunDefaults:
        """Build from a JSON object keyed by field names (or cdk.json synonyms); null means built-in."""
        if data is None:
            return cls()
        document = v.expect_object(data, "defaults")
        known = tuple(f.name for f in fields(cls))
        values: dict[str, Any] = {}
        for key, value in document.items():
            name = _ALIASES.get(key, key)
            if name not in known:
                v.reject_unknown({key: value}, known, "defaults")
            if name in values:
                raise InputValidationError(f"defaults.{key}", f"given twice (also as {name})")
            if value is None:
                continue
            values[name] = tuple(value) if isinstance(value, list) else value
        return cls(**values)

    @classmethod
    def from_json(cls, text: str | None) -> RunDefaults:
        """Built-in defaults for a missing or blank value."""
        return cls.from_dict(v.json_setting(text, "defaults"))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out


__all__ = ["DEFAULT_ROLE_NAME", "RunDefaults"]
