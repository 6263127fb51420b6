"""Typed, validated check parameters.

Each check declares `Params`, a frozen dataclass whose fields have defaults. User input
(a JSON object) is validated against it: unknown names and wrong types are errors that
name the field; ints are accepted where floats are expected (JSON has one number type),
booleans are never accepted as numbers. Numbers must be >= 0; a field may narrow that
with `metadata={"min": ..., "max": ...}` (see `bounded`).
"""

from __future__ import annotations

import dataclasses
import math
import typing
from collections.abc import Mapping
from typing import Any

from orgsweep.checks.exceptions import CheckParamError


@dataclasses.dataclass(frozen=True)
class NoParams:
    """Params of a check that has none."""


def bounded(default: Any, *, minimum: float | None = None, maximum: float | None = None) -> Any:
    """A dataclass field with a default and inclusive bounds enforced by `build_params`."""
    metadata: dict[str, float] = {}
    if minimum is not None:
        metadata["min"] = minimum
    if maximum is not None:
        metadata["max"] = maximum
    return dataclasses.field(default=default, metadata=metadata)


def param_bounds(params_cls: type[Any]) -> dict[str, tuple[float, float | None]]:
    """Inclusive (minimum, maximum) of every numeric param; the minimum defaults to 0."""
    return {f.name: (f.metadata.get("min", 0), f.metadata.get("max")) for f in dataclasses.fields(params_cls)}


def param_defaults(params_cls: type[Any]) -> dict[str, Any]:
    return {f.name: f.default for f in dataclasses.fields(params_cls)}


def param_types(params_cls: type[Any]) -> dict[str, type[Any]]:
    hints = typing.get_type_hints(params_cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(params_cls)}


def _coerce(path: str, expected: type[Any], value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        raise CheckParamError(path, f"expected {expected.__name__}, got {type(value).__name__}")
    if expected is int:
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise CheckParamError(path, f"expected an integer, got {value!r}")
    if expected is float:
        if isinstance(value, int | float) and math.isfinite(float(value)):
            return float(value)
        raise CheckParamError(path, f"expected a number, got {value!r}")
    if expected is str and isinstance(value, str):
        return value
    raise CheckParamError(path, f"expected {expected.__name__}, got {type(value).__name__}")


def build_params(check_id: str, params_cls: type[Any], raw: Mapping[str, Any] | None) -> Any:
    """Validate `raw` against `params_cls` and return an instance (defaults filled in)."""
    if raw is None:
        return params_cls()
    if not isinstance(raw, Mapping):
        raise CheckParamError(check_id, f"params must be an object, got {type(raw).__name__}")
    types = param_types(params_cls)
    bounds = param_bounds(params_cls)
    values: dict[str, Any] = {}
    for name, value in raw.items():
        path = f"{check_id}.{name}"
        if name not in types:
            known = ", ".join(sorted(types)) or "none"
            raise CheckParamError(path, f"unknown parameter (known: {known})")
        coerced = _coerce(path, types[name], value)
        if isinstance(coerced, int | float):
            low, high = bounds[name]
            if coerced < low:
                raise CheckParamError(path, f"must be >= {low:g}, got {value!r}")
            if high is not None and coerced > high:
                raise CheckParamError(path, f"must be <= {high:g}, got {value!r}")
        values[name] = coerced
    return params_cls(**values)


__all__ = ["NoParams", "bounded", "build_params", "param_bounds", "param_defaults", "param_types"]
