"""What flows between the pipeline steps: a cell, the run settings a cell needs, a cell's summary.

These are the small JSON objects of the cloud engine (manifest items, the Lambda "run"
object, the scan_cell return value); `from_dict` validates shape and types and raises
`InvalidPipelineInputError` naming the offending field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from orgsweep.pipeline.exceptions import InvalidPipelineInputError
from orgsweep.pipeline.validation import ACCOUNT_ID_RE, REGION_RE
from orgsweep.presets import DEFAULT_PRESET_NAME

# The input validator's patterns, anchored for schema libraries that search (pydantic's
# `Field(pattern=...)` in the scan-cell handler); matched here with fullmatch.
ACCOUNT_ID_PATTERN = re.compile(f"^(?:{ACCOUNT_ID_RE.pattern})$", re.ASCII)
REGION_PATTERN = re.compile(f"^(?:{REGION_RE.pattern})$", re.ASCII)

_CELL_FIELDS = frozenset({"account_id", "account_name", "region", "priority"})
_RUN_FIELDS = frozenset({"run_id", "role_name", "external_id", "preset", "checks"})
_CHECKS_FIELDS = frozenset({"include", "exclude", "params"})


def _require(data: Mapping[str, Any], where: str, name: str, kind: type[Any]) -> Any:
    if name not in data:
        raise InvalidPipelineInputError(f"{where}.{name}", "is required")
    return _typed(data[name], f"{where}.{name}", kind)


def _typed(value: Any, path: str, kind: type[Any]) -> Any:
    # bool is an int subclass: never accept it where a number is expected.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise InvalidPipelineInputError(path, f"expected {kind.__name__}, got {type(value).__name__}")
    return value


def _mapping(data: Any, where: str, known: frozenset[str] | None = None) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise InvalidPipelineInputError(where, f"expected an object, got {type(data).__name__}")
    if known is not None:
        unknown = sorted(str(k) for k in data if k not in known)
        if unknown:
            raise InvalidPipelineInputError(f"{where}.{unknown[0]}", "unknown field")
    return data


def _strings(value: Any, path: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        raise InvalidPipelineInputError(path, f"expected a list of strings, got {type(value).__name__}")
    for index, item in enumerate(value):
        _typed(item, f"{path}[{index}]", str)
    return tuple(value)


@dataclass(frozen=True, slots=True)
class Cell:
    """One (account, region) to scan; a manifest item. Lower `priority` is scanned first."""

    account_id: str
    account_name: str
    region: str
    priority: int = 0

    def __post_init__(self) -> None:
        if not ACCOUNT_ID_PATTERN.fullmatch(self.account_id):
            raise InvalidPipelineInputError("cell.account_id", f"must be 12 digits, got {self.account_id!r}")
        if not REGION_PATTERN.fullmatch(self.region):
            raise InvalidPipelineInputError("cell.region", f"is not a region name: {self.region!r}")

    @classmethod
    def from_dict(cls, data: Any) -> Cell:
        data = _mapping(data, "cell", _CELL_FIELDS)
        name = data.get("account_name", "")
        return cls(
            account_id=_require(data, "cell", "account_id", str),
            account_name=_typed("" if name is None else name, "cell.account_name", str),
            region=_require(data, "cell", "region", str),
            priority=_typed(data.get("priority", 0), "cell.priority", int),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "account_name": self.account_name,
            "region": self.region,
            "priority": self.priority,
        }


@dataclass(frozen=True, slots=True)
class RunSettings:
    """What every cell of a run needs to know (the Lambda "run" object)."""

    run_id: str
    role_name: str
    external_id: str | None = None
    preset: str = DEFAULT_PRESET_NAME
    checks_include: tuple[str, ...] = ()
    checks_exclude: tuple[str, ...] = ()
    checks_params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.run_id:
            raise InvalidPipelineInputError("run.run_id", "must not be empty")
        if not self.role_name:
            raise InvalidPipelineInputError("run.role_name", "must not be empty")

    @classmethod
    def from_dict(cls, data: Any) -> RunSettings:
        data = _mapping(data, "run", _RUN_FIELDS)
        checks = _mapping(data.get("checks") or {}, "run.checks", _CHECKS_FIELDS)
        params = _mapping(checks.get("params") or {}, "run.checks.params")
        for check_id, check_params in params.items():
            _mapping(check_params, f"run.checks.params.{check_id}")
        external_id = data.get("external_id")
        return cls(
            run_id=_require(data, "run", "run_id", str),
            role_name=_require(data, "run", "role_name", str),
            external_id=None if external_id is None else _typed(external_id, "run.external_id", str),
            preset=_typed(data.get("preset") or DEFAULT_PRESET_NAME, "run.preset", str),
            checks_include=_strings(checks.get("include"), "run.checks.include"),
            checks_exclude=_strings(checks.get("exclude"), "run.checks.exclude"),
            checks_params={str(k): dict(v) for k, v in params.items()},
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "role_name": self.role_name,
            "external_id": self.external_id,
            "preset": self.preset,
            "checks": {
                "include": list(self.checks_include),
                "exclude": list(self.checks_exclude),
                "params": {k: dict(v) for k, v in self.checks_params.items()},
            },
        }


@dataclass(frozen=True, slots=True)
class CellSummary:
    """What a scanned cell returns: counts and where its raw output is — never the findings."""

    run_id: str
    account_id: str
    region: str
    status: str  # the cell's CoverageStatus value
    findings: int
    resources: int
    api_calls: int
    throttles: int
    retries: int
    duration_ms: int
    key: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "account_id": self.account_id,
            "region": self.region,
            "status": self.status,
            "findings": self.findings,
            "resources": self.resources,
            "api_calls": self.api_calls,
            "throttles": self.throttles,
            "retries": self.retries,
            "duration_ms": self.duration_ms,
            "key": self.key,
        }


__all__ = ["ACCOUNT_ID_PATTERN", "REGION_PATTERN", "Cell", "CellSummary", "RunSettings"]
