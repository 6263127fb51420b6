"""The check catalogue. Registering a second class under an existing id is an error."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, TypeVar

from orgsweep.checks.base import Check
from orgsweep.checks.exceptions import DuplicateCheckError, UnknownCheckError

C = TypeVar("C", bound=type[Check])

_lock = threading.Lock()
_checks: dict[str, type[Check]] = {}


def register(cls: C) -> C:
    """Class decorator adding a check to the catalogue."""
    for attr in ("id", "resource_type", "description", "permissions"):
        if not getattr(cls, attr, None):
            raise TypeError(f"check class {cls.__name__} must declare {attr!r}")
    with _lock:
        existing = _checks.get(cls.id)
        if existing is not None and existing is not cls:
            raise DuplicateCheckError(
                f"check id {cls.id!r} is already registered by {existing.__module__}.{existing.__qualname__}"
            )
        _checks[cls.id] = cls
    return cls


def unregister(check_id: str) -> None:
    """Remove a check (for tests that register throwaway checks)."""
    with _lock:
        _checks.pop(check_id, None)


def _load_catalogue() -> None:
    # Importing the catalogue package registers the built-in checks (once).
    import orgsweep.checks.catalogue  # noqa: F401


def all_checks() -> list[type[Check]]:
    """Every registered check class, ordered by id."""
    _load_catalogue()
    with _lock:
        return [_checks[k] for k in sorted(_checks)]


def get_check(check_id: str) -> type[Check]:
    _load_catalogue()
    with _lock:
        cls = _checks.get(check_id)
    if cls is None:
        raise UnknownCheckError(f"unknown check id {check_id!r}")
    return cls


def build_checks(
    include: list[str] | None = None,
    exclude: list[str] | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Check]:
    """Instantiate the enabled checks with validated params. Empty include means all."""
    params = params or {}
    for check_id in [*(include or []), *(exclude or []), *params]:
        get_check(check_id)
    selected = [c for c in all_checks() if (not include or c.id in include) and c.id not in (exclude or [])]
    return [cls.from_raw_params(params.get(cls.id)) for cls in selected]


__all__ = ["all_checks", "build_checks", "get_check", "register", "unregister"]
