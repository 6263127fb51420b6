"""Typed readers for cdk.json settings: each returns the value or raises SettingsError naming the setting.

JSON has one number type and `true` is not a number: booleans are never accepted where a
number is expected, and integral floats (``200.0``) are accepted where an int is.
Patterns are matched with `fullmatch` under `re.ASCII` so a trailing newline never passes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection
from typing import Any

from infra.exceptions import SettingsError
from orgsweep.pipeline.validation import ACCOUNT_ID_RE, EXTERNAL_ID_RE, OU_ID_RE, REGION_RE, ROLE_NAME_RE

Reader = Callable[[str, Any], Any]

# Account, OU, region, role name and external id formats are the library's (one definition for
# deploy-time settings and run-time input).
ROOT_OR_OU_ID_RE = re.compile(r"(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})", re.ASCII)
ORGANIZATION_ID_RE = re.compile(r"o-[a-z0-9]{10,32}", re.ASCII)
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+", re.ASCII)
GLUE_NAME_RE = re.compile(r"[a-z0-9_]{1,255}", re.ASCII)
WORKGROUP_RE = re.compile(r"[a-zA-Z0-9._-]{1,128}", re.ASCII)
# EventBridge Scheduler: cron (6 fields), rate(n unit) or at(yyyy-mm-ddThh:mm:ss).
SCHEDULE_RE = re.compile(
    r"cron\(\S+( \S+){5}\)"
    r"|rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\)"
    r"|at\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\)",
    re.ASCII,
)
TIMEZONE_RE = re.compile(r"[A-Za-z_]+(/[A-Za-z0-9_+-]+)*", re.ASCII)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def boolean(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise SettingsError(name, f"expected true or false, got {_shown(value)}")
    return value


def integer(low: int, high: int) -> Reader:
    def read(name: str, value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(name, f"expected an integer, got {_shown(value)}")
        if not low <= value <= high:
            raise SettingsError(name, f"must be between {low} and {high}, got {value}")
        return value

    return read


def number(low: float, high: float) -> Reader:
    def read(name: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise SettingsError(name, f"expected a number, got {_shown(value)}")
        if not low <= value <= high:
            raise SettingsError(name, f"must be between {low:g} and {high:g}, got {value:g}")
        return float(value)

    return read


def one_of(choices: Collection[Any]) -> Reader:
    def read(name: str, value: Any) -> Any:
        # bool == int in Python: refuse booleans unless a choice is one.
        if isinstance(value, bool) or value not in choices:
            shown = ", ".join(str(c) for c in sorted(choices))
            raise SettingsError(name, f"{_shown(value)} is not one of: {shown}")
        return value

    return read


def matching(pattern: re.Pattern[str], what: str) -> Reader:
    def read(name: str, value: Any) -> str:
        if not isinstance(value, str):
            raise SettingsError(name, f"expected a string ({what}), got {_shown(value)}")
        if not pattern.fullmatch(value):
            raise SettingsError(name, f"{_shown(value)} is not {what}")
        return value

    return read


def optional(reader: Reader) -> Reader:
    def read(name: str, value: Any) -> Any:
        return None if value is None else reader(name, value)

    return read


def string_list(pattern: re.Pattern[str], what: str, *, max_items: int | None = None) -> Reader:
    item = matching(pattern, what)

    def read(name: str, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list | tuple):
            raise SettingsError(name, f"expected a list (each item {what}), got {_shown(value)}")
        items = tuple(item(f"{name}[{index}]", v) for index, v in enumerate(value))
        if len(set(items)) != len(items):
            raise SettingsError(name, "contains duplicates")
        if max_items is not None and len(items) > max_items:
            raise SettingsError(name, f"at most {max_items} item(s) allowed, got {len(items)}")
        return items

    return read


__all__ = [
    "ACCOUNT_ID_RE",
    "EMAIL_RE",
    "EXTERNAL_ID_RE",
    "GLUE_NAME_RE",
    "ORGANIZATION_ID_RE",
    "OU_ID_RE",
    "REGION_RE",
    "ROLE_NAME_RE",
    "ROOT_OR_OU_ID_RE",
    "SCHEDULE_RE",
    "TIMEZONE_RE",
    "WORKGROUP_RE",
    "Reader",
    "boolean",
    "integer",
    "matching",
    "number",
    "one_of",
    "optional",
    "string_list",
]
