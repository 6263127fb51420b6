"""The deployment settings the doctor defaults to: cdk.json's `context.orgsweep` block.

Only the keys the doctor uses are read (member_role_name, external_id, map_max_concurrency,
regions), validated like the CDK app validates them; the rest of the file is not its business.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orgsweep.pipeline import validation as v
from orgsweep.pipeline.defaults import DEFAULT_ROLE_NAME
from orgsweep.pipeline.exceptions import InputValidationError
from orgsweep_local.doctor.exceptions import DoctorInputError

DEFAULT_MAP_MAX_CONCURRENCY = 200
MAX_MAP_CONCURRENCY = 10_000
DEFAULT_SOURCE = "built-in defaults"


@dataclass(frozen=True, slots=True)
class DeploymentSettings:
    member_role_name: str = DEFAULT_ROLE_NAME
    external_id: str | None = None
    map_max_concurrency: int = DEFAULT_MAP_MAX_CONCURRENCY
    regions: tuple[str, ...] = ()
    source: str = DEFAULT_SOURCE


def find_cdk_json(candidates: Iterable[Path]) -> Path | None:
    """The first candidate that is a cdk.json with an `orgsweep` context block."""
    for path in candidates:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(document, dict) and isinstance(document.get("context", {}).get("orgsweep"), dict):
            return path
    return None


def load_settings(path: Path | None) -> DeploymentSettings:
    """The settings of `path` (built-in defaults when None); DoctorInputError names a bad key."""
    if path is None:
        return DeploymentSettings()
    try:
        block: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["context"]["orgsweep"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DoctorInputError(f"{path}: cannot read context.orgsweep: {exc}") from exc
    field = f"{path} context orgsweep"
    try:
        role = v.role(block.get("member_role_name") or DEFAULT_ROLE_NAME, f"{field}.member_role_name")
        external_id = block.get("external_id")
        if external_id is not None:
            v.matching(external_id, f"{field}.external_id", v.EXTERNAL_ID)
        regions = v.matching_list(block.get("regions") or [], f"{field}.regions", v.REGION)
    except InputValidationError as exc:
        raise DoctorInputError(str(exc)) from exc
    concurrency = block.get("map_max_concurrency")
    if concurrency is None:
        concurrency = DEFAULT_MAP_MAX_CONCURRENCY
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or not 1 <= concurrency <= MAX_MAP_CONCURRENCY:
        raise DoctorInputError(f"{field}.map_max_concurrency: expected an integer 1..{MAX_MAP_CONCURRENCY}, "
                               f"got {concurrency!r}")
    return DeploymentSettings(role, external_id, concurrency, regions, str(path))


__all__ = ["DEFAULT_MAP_MAX_CONCURRENCY", "DEFAULT_SOURCE", "DeploymentSettings", "find_cdk_json", "load_settings"]
