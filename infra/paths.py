"""Where the app finds its inputs. Absolute, so synth does not depend on the working directory."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS_DIR = REPO_ROOT / "functions"
SHARED_LAYER_DIR = REPO_ROOT / "layers" / "shared"
QUERIES_DIR = REPO_ROOT / "queries"
CDK_JSON = REPO_ROOT / "cdk.json"
PYPROJECT = REPO_ROOT / "pyproject.toml"
#: Built layer folders (git-ignored): the staged shared layer and the cached dependency builds.
LAYER_CACHE_DIR = REPO_ROOT / ".cache" / "layers"

#: Never shipped in a Lambda asset: bytecode caches (they also make asset hashes unstable),
#: tests, and the editable-install metadata of the library.
ASSET_EXCLUDES: tuple[str, ...] = (
    "**/__pycache__",
    "**/*.pyc",
    "**/tests",
    "**/test_*.py",
    "**/*.egg-info",
    "**/.mypy_cache",
    "**/.pytest_cache",
    "**/.ruff_cache",
)

__all__ = [
    "ASSET_EXCLUDES",
    "CDK_JSON",
    "FUNCTIONS_DIR",
    "LAYER_CACHE_DIR",
    "PYPROJECT",
    "QUERIES_DIR",
    "REPO_ROOT",
    "SHARED_LAYER_DIR",
]
