"""Dependency layers built from the pinned wheels for Lambda's platform, with pip, without Docker.

`pip install --only-binary=:all: --platform ... --python-version 3.12 --implementation cp
--target <layer>/python <pins>` picks the aarch64 cp312 wheels whatever machine runs it. The
build is cached under LAYER_CACHE_DIR keyed by a hash of (pins, target, build recipe), so a
synth or a test run downloads nothing once `make layers` (part of `make setup`) has run. The
same pins always give the same files: no bytecode, no console scripts (their shebang names
the building interpreter), no RECORD (it lists those) - so the asset hash is stable.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from infra.exceptions import InfraError
from infra.layers.cache import locked, prune, publish, scratch, touch
from infra.layers.pins import normalize, pinned
from infra.layers.specs import LAMBDA_TARGET, DependencyLayer, Target
from infra.paths import LAYER_CACHE_DIR, PYPROJECT

#: Bump when the build or the stripping changes: it is part of the cache key.
RECIPE = 1
#: Never needed by Lambda: bytecode, tests, C/C++/Cython sources and headers, build files.
STRIPPED_DIRS = frozenset({"__pycache__", "tests"})
STRIPPED_SUFFIXES = frozenset({".pyc", ".pyx", ".pxd", ".pxi", ".h", ".hpp", ".c", ".cc", ".cpp", ".cmake"})
STRIPPED_NAMES = frozenset({"conftest.py", "CMakeLists.txt", "RECORD"})
_DIST_INFO = re.compile(r"(?P<name>.+)-(?P<version>[^-]+)\.dist-info")


class LayerBuildError(InfraError, RuntimeError):
    """A dependency layer could not be built (pip failed: offline, or no wheel for the platform)."""


def cache_key(requirements: tuple[str, ...], target: Target = LAMBDA_TARGET) -> str:
    """A short hash of everything that decides the layer's files."""
    document = {
        "requirements": sorted(requirements),
        "python": target.python_version,
        "implementation": target.implementation,
        "platforms": list(target.platforms),
        "recipe": RECIPE,
    }
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()[:16]


def layer_folder(
    spec: DependencyLayer, *, cache: Path = LAYER_CACHE_DIR, pyproject: Path = PYPROJECT, target: Target = LAMBDA_TARGET
) -> Path:
    """The layer's asset folder (holding `python/`), built first if the cache lacks it."""
    requirements = pinned(spec.requirements, pyproject)
    final = cache / f"{spec.name}-{cache_key(requirements, target)}"
    with locked(cache):
        if final.is_dir() and not _outdated(final / "layer" / "python"):
            touch(final)
            return final / "layer"
        _check_environment(requirements)
        with scratch(cache, spec.name) as work:
            print(f"orgsweep: building the {spec.name} layer ({', '.join(requirements)}) in {final}", file=sys.stderr)
            _pip_install(requirements, work / "layer" / "python", target, work / "constraints.txt")
            strip(work / "layer" / "python")
            (work / "build.json").write_text(json.dumps({"requirements": requirements, "target": target.platforms}))
            if final.exists():
                shutil.rmtree(final)  # outdated (checked above, under the lock)
            publish(work, final)
        prune(cache, f"{spec.name}-", keep=final)
    return final / "layer"


def _installed(name: str) -> str | None:
    """This environment's version of a distribution (None when it is not installed)."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _check_environment(requirements: tuple[str, ...]) -> None:
    """The build takes this environment's versions as constraints: they must agree with the pins."""
    for requirement in requirements:
        name, version = requirement.split("==")
        installed = _installed(name.split("[")[0])
        if installed not in (None, version):
            raise LayerBuildError(
                f"pyproject.toml pins {requirement} but this environment has {installed}: run `make setup`"
            )


def _outdated(python_dir: Path) -> bool:
    """A cached build is reused only while this environment has the same version of each package in it."""
    return any(_installed(name) not in (None, version) for name, version in distributions(python_dir).items())


def distributions(python_dir: Path) -> dict[str, str]:
    """{normalised name: version} of the distributions installed in a layer's python/ folder."""
    found = {}
    for folder in python_dir.glob("*.dist-info"):
        match = _DIST_INFO.fullmatch(folder.name)
        if match:
            found[normalize(match["name"])] = match["version"]
    return found


def _environment_constraints() -> list[str]:
    """`name==version` of this environment's packages: the layer's transitive dependencies match the tests'."""
    pins = {normalize(d.metadata["Name"]): d.version for d in importlib.metadata.distributions() if d.metadata["Name"]}
    return [f"{name}=={version}" for name, version in sorted(pins.items())]


def _pip_install(requirements: tuple[str, ...], target_dir: Path, target: Target, constraints: Path) -> None:
    constraints.write_text("\n".join(_environment_constraints()) + "\n", encoding="utf-8")
    command = [
        sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input", "--no-color",
        "--no-compile", "--only-binary=:all:", "--implementation", target.implementation,
        "--python-version", target.python_version, *(f"--platform={p}" for p in target.platforms),
        "--constraint", str(constraints), "--target", str(target_dir), *requirements,
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise LayerBuildError(f"pip could not run: {exc}. Build the layers with `make layers`.") from exc
    if done.returncode != 0:
        errors = [line for line in done.stderr.splitlines() if not line.startswith("WARNING")]
        raise LayerBuildError(
            f"pip failed to build a layer from {' '.join(requirements)} for {target.abi} {target.platforms[0]} "
            f"(exit {done.returncode}): {' | '.join(errors[-6:])}. Build the layers with `make layers` "
            "(PyPI must be reachable the first time)."
        )
    shutil.rmtree(target_dir / "bin", ignore_errors=True)  # console scripts: never run in Lambda


def strip(python_dir: Path) -> None:
    """Remove what Lambda never loads (see STRIPPED_*), then the folders that became empty."""
    for path in sorted(python_dir.rglob("*"), key=lambda p: len(p.parts)):
        if not path.exists():
            continue  # inside a folder removed already
        if path.is_dir() and path.name in STRIPPED_DIRS:
            shutil.rmtree(path)
        elif path.is_file() and (path.suffix in STRIPPED_SUFFIXES or path.name in STRIPPED_NAMES):
            path.unlink()
    for folder in sorted((p for p in python_dir.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


__all__ = ["RECIPE", "LayerBuildError", "cache_key", "distributions", "layer_folder", "strip"]
