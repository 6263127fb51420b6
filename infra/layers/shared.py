"""The shared layer: the allow-listed packages of layers/shared/python, copied into a build folder.

Only what Lambda runs is copied (SHARED_PACKAGES), without bytecode, tests or install
metadata, so a stray file in layers/shared never ships and the asset hash depends on the
sources alone. The folder is named by a hash of its content and reused while it matches.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable
from pathlib import Path

from infra.exceptions import InfraError
from infra.layers.cache import locked, prune, publish, scratch, touch
from infra.layers.specs import SHARED_PACKAGES
from infra.paths import ASSET_EXCLUDES, LAYER_CACHE_DIR, SHARED_LAYER_DIR

#: The function assets' exclusions, as names (bytecode, tests, tool caches, install metadata).
NEVER_SHIPPED: tuple[str, ...] = tuple(pattern.removeprefix("**/") for pattern in ASSET_EXCLUDES)
_PREFIX = "shared-"


def stage_shared_layer(
    source: Path = SHARED_LAYER_DIR / "python",
    *,
    packages: Iterable[str] = SHARED_PACKAGES,
    cache: Path = LAYER_CACHE_DIR,
) -> Path:
    """The shared layer's asset folder (holding `python/<package>` for each allow-listed package)."""
    with locked(cache), scratch(cache, "shared") as work:
        for package in packages:
            if not (source / package / "__init__.py").is_file():
                raise InfraError(f"the shared layer's package {package!r} is not in {source}")
            ignore = shutil.ignore_patterns(*NEVER_SHIPPED)
            shutil.copytree(source / package, work / "python" / package, ignore=ignore)
        final = cache / f"{_PREFIX}{tree_hash(work)}"
        if final.is_dir():
            touch(final)  # the same content is staged already
        else:
            publish(work, final)
        prune(cache, _PREFIX, keep=final)
    return final


def tree_hash(root: Path) -> str:
    """A short hash of the relative paths and contents of every file under `root`."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


__all__ = ["NEVER_SHIPPED", "stage_shared_layer", "tree_hash"]
