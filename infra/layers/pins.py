"""The exact versions pyproject.toml pins: the one place a dependency version is written.

The layers are built from these pins, so Lambda runs the versions the tests run with.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from infra.exceptions import InfraError
from infra.paths import PYPROJECT

#: `name[extras]==version` (no markers: every pin in pyproject.toml is unconditional).
_PIN = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?P<extras>\[[^\]]*\])?\s*==\s*(?P<version>[^\s;,]+)")
_NAME = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?P<extras>\[[^\]]*\])?")


class PinError(InfraError, ValueError):
    """A layer names a package that pyproject.toml does not pin to exactly one version."""


def normalize(name: str) -> str:
    """PEP 503 name normalisation (`Aws_Lambda.Powertools` -> `aws-lambda-powertools`)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def project_pins(pyproject: Path = PYPROJECT) -> dict[str, str]:
    """{normalised name: version} of every `==` pin in [project] dependencies and optional-dependencies."""
    try:
        project: Mapping[str, Any] = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    except (OSError, KeyError, tomllib.TOMLDecodeError) as exc:
        raise PinError(f"cannot read [project] of {pyproject}: {exc}") from exc
    lists: list[Iterable[str]] = [project.get("dependencies", []), *project.get("optional-dependencies", {}).values()]
    pins: dict[str, str] = {}
    for requirement in (r for group in lists for r in group):
        match = _PIN.fullmatch(requirement.strip())
        if match is None:
            continue  # e.g. the self-reference "orgsweep[lambda,local,cdk]"
        name, version = normalize(match["name"]), match["version"]
        if pins.setdefault(name, version) != version:
            raise PinError(f"{pyproject}: {name} is pinned to both {pins[name]} and {version}")
    return pins


def pinned(requirements: Iterable[str], pyproject: Path = PYPROJECT) -> tuple[str, ...]:
    """Each `name[extras]` as `name[extras]==<version pyproject.toml pins>`, in the given order."""
    pins = project_pins(pyproject)
    result = []
    for requirement in requirements:
        match = _NAME.fullmatch(requirement)
        if match is None:
            raise PinError(f"{requirement!r} is not a package name (versions come from {pyproject.name})")
        version = pins.get(normalize(match["name"]))
        if version is None:
            raise PinError(f"{match['name']} is not pinned with == in {pyproject}")
        result.append(f"{match['name']}{match['extras'] or ''}=={version}")
    return tuple(result)


__all__ = ["PinError", "normalize", "pinned", "project_pins"]
