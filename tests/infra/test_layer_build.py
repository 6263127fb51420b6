"""Building the layer folders, without pip or CDK: pins, platform tags, cache keys, stripping, staging."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.exceptions import InfraError
from infra.layers import RUNTIME_DEPENDENCIES, LayerBuildError, PinError, layer_folder, pinned, stage_shared_layer
from infra.layers.dependencies import cache_key, strip
from infra.layers.shared import tree_hash
from infra.layers.specs import LAMBDA_TARGET, Target, manylinux_platforms

pytestmark = pytest.mark.infra

PYPROJECT = """
[project]
name = "demo"
dependencies = ["boto3==1.44.5", "botocore==1.44.5"]
[project.optional-dependencies]
lambda = ["aws-lambda-powertools[parser]==3.37.0"]
local = ["pyarrow==26.0.1", "rich>=15"]
dev = ["demo[lambda,local]"]
"""


def _pyproject(tmp_path: Path, text: str = PYPROJECT) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(text)
    return path


def test_pins_come_from_pyproject_with_the_extras_asked_for(tmp_path: Path) -> None:
    pyproject = _pyproject(tmp_path)
    assert pinned(("boto3", "AWS_Lambda_Powertools[parser]", "pyarrow"), pyproject) == (
        "boto3==1.44.5",
        "AWS_Lambda_Powertools[parser]==3.37.0",
        "pyarrow==26.0.1",
    )


@pytest.mark.parametrize(
    ("requirement", "problem"),
    [("rich", "not pinned with =="), ("numpy", "not pinned with =="), ("pyarrow==26.0.1", "not a package name")],
)
def test_a_layer_package_without_one_exact_pin_fails(tmp_path: Path, requirement: str, problem: str) -> None:
    with pytest.raises(PinError, match=problem):
        pinned((requirement,), _pyproject(tmp_path))


def test_two_different_pins_of_one_package_fail(tmp_path: Path) -> None:
    pyproject = _pyproject(tmp_path, PYPROJECT.replace('dev = ["demo[lambda,local]"]', 'dev = ["PyArrow==25.0.0"]'))
    with pytest.raises(PinError, match="pyarrow is pinned to both"):
        pinned(("boto3",), pyproject)


def test_the_repository_pins_every_layer_package() -> None:
    assert pinned(("boto3", "botocore", "aws-lambda-powertools[parser]", "pyarrow"))


def test_platforms_cover_every_glibc_from_2_17_to_lambdas_2_34_newest_first() -> None:
    platforms = manylinux_platforms("aarch64")
    assert platforms[0] == "manylinux_2_34_aarch64"
    assert {"manylinux_2_28_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64"} <= set(platforms)
    assert len(platforms) == 34 - 17 + 1 + 1
    assert LAMBDA_TARGET.platforms == platforms and LAMBDA_TARGET.abi == "cp312"


def test_the_cache_key_changes_with_pins_platform_and_python_only() -> None:
    pins = ("boto3==1.44.5", "pyarrow==26.0.1")
    key = cache_key(pins)
    assert key == cache_key(tuple(reversed(pins)))
    assert key != cache_key(("boto3==1.44.6", "pyarrow==26.0.1"))
    assert key != cache_key(pins, Target(python_version="3.13"))
    assert key != cache_key(pins, Target(platforms=manylinux_platforms("x86_64")))


def _tree(root: Path, names: list[str]) -> None:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name)


def _names(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def test_strip_removes_only_what_lambda_never_loads(tmp_path: Path) -> None:
    kept = [
        "pyarrow/__init__.py",
        "pyarrow/lib.cpython-312-aarch64-linux-gnu.so",
        "pyarrow/libarrow.so.2600",
        "pyarrow/parquet/core.py",
        "pyarrow-26.0.1.dist-info/METADATA",
        "pyarrow-26.0.1.dist-info/WHEEL",
    ]
    removed = [
        "pyarrow/tests/test_x.py",
        "pyarrow/include/arrow/api.h",
        "pyarrow/src/arrow/python/CMakeLists.txt",
        "pyarrow/src/arrow/python/x.cc",
        "pyarrow/lib.pyx",
        "pyarrow/lib.pxd",
        "pyarrow/array.pxi",
        "pyarrow/conftest.py",
        "pyarrow/__pycache__/util.cpython-312.pyc",
        "pyarrow-26.0.1.dist-info/RECORD",
    ]
    _tree(tmp_path, kept + removed)
    strip(tmp_path)
    assert {p for p in _names(tmp_path) if (tmp_path / p).is_file()} == set(kept)
    assert not (tmp_path / "pyarrow" / "include").exists() and not (tmp_path / "pyarrow" / "src").exists()


def test_the_shared_layer_stages_only_the_allow_listed_packages(tmp_path: Path) -> None:
    source, cache = tmp_path / "python", tmp_path / "cache"
    _tree(source, ["orgsweep/__init__.py", "orgsweep/py.typed", "orgsweep/tables/q.sql",
                   "orgsweep/__pycache__/x.cpython-311.pyc", "orgsweep/tests/test_a.py", "orgsweep/test_b.py",
                   "orgsweep_local/__init__.py", "stray.py", "orgsweep.egg-info/PKG-INFO"])  # fmt: skip
    staged = stage_shared_layer(source, cache=cache)
    assert _names(staged) == {"python", "python/orgsweep", "python/orgsweep/__init__.py", "python/orgsweep/py.typed",
                              "python/orgsweep/tables", "python/orgsweep/tables/q.sql"}  # fmt: skip
    assert stage_shared_layer(source, cache=cache) == staged  # same content: same folder, reused
    (source / "orgsweep" / "__init__.py").write_text("changed")
    restaged = stage_shared_layer(source, cache=cache)
    assert restaged != staged and restaged.name == f"shared-{tree_hash(restaged)}"
    assert not list(cache.glob(".tmp-*"))  # no scratch folder is left behind


def test_staging_fails_when_an_allow_listed_package_is_missing(tmp_path: Path) -> None:
    with pytest.raises(InfraError, match="'orgsweep' is not in"):
        stage_shared_layer(tmp_path / "python", cache=tmp_path / "cache")


def test_a_pin_this_environment_does_not_have_fails_before_building(tmp_path: Path) -> None:
    # the build constrains transitive versions to this environment's: a stale .venv must be updated first
    pyproject = _pyproject(tmp_path, PYPROJECT.replace("boto3==1.44.5", "boto3==0.0.1"))
    with pytest.raises(LayerBuildError, match=r"pins boto3==0\.0\.1 but this environment has .*`make setup`"):
        layer_folder(RUNTIME_DEPENDENCIES, cache=tmp_path / "cache", pyproject=pyproject)
    assert not list((tmp_path / "cache").glob("dependencies-*"))
