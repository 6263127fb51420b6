"""The layers as `cdk synth` built them: only the runtime package, pinned aarch64 cp312 wheels, < 250 MB.

Nothing here runs the aarch64 binaries (this machine cannot): their ELF headers, wheel tags,
shared-library needs and the Python imports of each function are checked statically instead.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
from pathlib import Path
from typing import Any

import pytest

from infra.constructs.shared_layer import ARCHITECTURE, RUNTIME
from infra.layers import ARROW, DEPENDENCY_LAYERS, LAMBDA_TARGET, SHARED_PACKAGES, pinned
from infra.layers.dependencies import distributions
from infra.layers.pins import normalize
from infra.layers.specs import DependencyLayer
from infra.paths import SHARED_LAYER_DIR
from tests.infra.conftest import CliResult
from tests.infra.elf import EM_AARCH64, is_elf, read_elf
from tests.infra.layer_files import files, import_closure, unzipped_size, wheel_tags
from tests.infra.templates import function_by_service, layer_versions, resources

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("cdk")]

#: Lambda's limit on a function's code plus all its layers, unzipped.
LAMBDA_UNZIPPED_LIMIT = 262_144_000
SERVICES = {"plan": "orgsweep-plan", "scan_cell": "orgsweep-scan-cell", "aggregate": "orgsweep-aggregate"}
EXTENSION_SUFFIX = f".cpython-{LAMBDA_TARGET.abi.removeprefix('cp')}-aarch64-linux-gnu.so"
#: Libraries every manylinux wheel may expect from the system (Amazon Linux 2023 has them all).
SYSTEM_LIBRARIES = {
    "libc.so.6", "libm.so.6", "libdl.so.2", "librt.so.1", "libpthread.so.0", "libstdc++.so.6",
    "libgcc_s.so.1", "ld-linux-aarch64.so.1", "libutil.so.1", "libresolv.so.2", "libz.so.1",
}  # fmt: skip
#: Library modules that import pyarrow at top level (only aggregate has it; others import them lazily).
NEEDS_PYARROW = {"orgsweep.tables.writer", "orgsweep.pipeline.cellrows"}
_MANYLINUX_TAG = re.compile(r"manylinux(?:2014|_2_(?P<minor>\d+))_aarch64")


def _asset(synth_dir: Path, resource: dict[str, Any]) -> Path:
    return synth_dir / resource["Metadata"]["aws:asset:path"]


@pytest.fixture(scope="module")
def layer_dirs(cli: CliResult) -> dict[str, Path]:
    """{construct id (Shared, Dependencies, Arrow): the layer's built asset folder} from the CLI's synth."""
    hub = cli.synth.hub
    return {name: _asset(cli.synth.outdir, hub["Resources"][lid]) for name, lid in layer_versions(hub).items()}


def _python_dir(layer_dirs: dict[str, Path], spec: DependencyLayer) -> Path:
    return layer_dirs[spec.name.capitalize()] / "python"


def test_the_runtime_matches_the_wheels_target() -> None:
    assert RUNTIME.name == f"python{LAMBDA_TARGET.python_version}"
    assert ARCHITECTURE.name == "arm64"
    assert all(platform.endswith("_aarch64") for platform in LAMBDA_TARGET.platforms)


def test_the_shared_layer_ships_only_the_runtime_package(layer_dirs: dict[str, Path]) -> None:
    root = layer_dirs["Shared"]
    assert sorted(p.name for p in root.iterdir()) == ["python"]
    assert sorted(p.name for p in (root / "python").iterdir()) == sorted(SHARED_PACKAGES) == ["orgsweep"]
    shipped = [p.relative_to(root).as_posix() for p in files(root)]
    leaked = [p for p in shipped if re.search(r"(__pycache__|\.pyc$|/tests?/|/test_[^/]*\.py$|\.egg-info)", p)]
    assert leaked == []
    source = SHARED_LAYER_DIR / "python"
    modules = {p.relative_to(source).as_posix() for p in (source / "orgsweep").rglob("*.py")}
    assert {p.removeprefix("python/") for p in shipped if p.endswith(".py")} == {
        m for m in modules if "__pycache__" not in m
    }


@pytest.mark.parametrize("spec", DEPENDENCY_LAYERS, ids=lambda spec: spec.name)
def test_each_dependency_layer_holds_the_pinned_versions(layer_dirs: dict[str, Path], spec: DependencyLayer) -> None:
    python_dir = _python_dir(layer_dirs, spec)
    installed = distributions(python_dir)
    for requirement in pinned(spec.requirements):
        name, version = requirement.split("==")
        assert installed.get(normalize(name.split("[")[0])) == version, requirement
    top_level = {p.name for p in python_dir.iterdir() if not p.name.endswith(".dist-info")}
    if spec is ARROW:
        assert top_level == {"pyarrow"}  # pyarrow 26 needs nothing else (numpy is optional)
    else:
        assert {"boto3", "botocore", "aws_lambda_powertools", "pydantic", "pydantic_core"} <= top_level
    # transitive dependencies too: Lambda runs the versions these tests run with
    assert {name: _version_here(name) for name in installed} == installed


def _version_here(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


@pytest.mark.parametrize("spec", DEPENDENCY_LAYERS, ids=lambda spec: spec.name)
def test_binaries_are_aarch64_cp312_wheels_for_glibc_2_34(layer_dirs: dict[str, Path], spec: DependencyLayer) -> None:
    python_dir = _python_dir(layer_dirs, spec)
    binaries = [p for p in files(python_dir) if is_elf(p)]
    assert binaries, "expected compiled extensions (pydantic-core, pyarrow)"
    assert [p.name for p in binaries if read_elf(p).machine != EM_AARCH64] == []
    extensions = [p.name for p in binaries if ".cpython-" in p.name]
    assert extensions and all(name.endswith(EXTENSION_SUFFIX) for name in extensions), extensions
    for dist_info in python_dir.glob("*.dist-info"):
        purelib, tags = wheel_tags(dist_info)
        assert tags, dist_info.name
        for tag in tags:
            python, abi, platform = tag.split("-")
            if purelib:
                assert platform == "any", (dist_info.name, tag)
                continue
            match = _MANYLINUX_TAG.fullmatch(platform)
            assert python == LAMBDA_TARGET.abi and abi in (LAMBDA_TARGET.abi, "abi3") and match, (dist_info.name, tag)
            assert int(match["minor"] or 17) <= 34, (dist_info.name, tag)


@pytest.mark.parametrize("spec", DEPENDENCY_LAYERS, ids=lambda spec: spec.name)
def test_every_library_a_binary_needs_is_in_the_layer_or_the_os(
    layer_dirs: dict[str, Path], spec: DependencyLayer
) -> None:
    # stripping removed no shared object a binary links (pyarrow's lib*.so.2600 sit beside its modules)
    python_dir = _python_dir(layer_dirs, spec)
    binaries = [p for p in files(python_dir) if is_elf(p)]
    for binary in binaries:
        needed = set(read_elf(binary).needed) - SYSTEM_LIBRARIES
        assert [lib for lib in sorted(needed) if not (binary.parent / lib).is_file()] == [], binary.name


def _function_folders(cli: CliResult, layer_dirs: dict[str, Path], name: str) -> list[Path]:
    """The function's code folder, then its layers' folders."""
    hub = cli.synth.hub
    _, function = function_by_service(hub, SERVICES[name])
    by_id = {lid: layer_name for layer_name, lid in layer_versions(hub).items()}
    layers = [layer_dirs[by_id[ref["Ref"]]] for ref in function["Properties"]["Layers"]]
    return [_asset(cli.synth.outdir, function), *layers]


@pytest.mark.parametrize("name", SERVICES)
def test_every_module_a_function_imports_is_in_its_code_or_layers(
    cli: CliResult, layer_dirs: dict[str, Path], name: str
) -> None:
    code, *layers = _function_folders(cli, layer_dirs, name)
    library = SHARED_LAYER_DIR / "python"
    modules = {".".join(p.relative_to(library).with_suffix("").parts) for p in (library / "orgsweep").rglob("*.py")}
    modules = {m.removesuffix(".__init__") for m in modules if "__pycache__" not in m}
    # every library module, also those imported lazily (pyarrow's only where aggregate has the arrow layer)
    roots = {"handler", *(m for m in modules if name == "aggregate" or m not in NEEDS_PYARROW)}
    if name == "aggregate":
        roots |= {"pyarrow", "pyarrow.parquet"}
    found, missing = import_closure([code, *(layer / "python" for layer in layers)], roots, EXTENSION_SUFFIX)
    assert missing == set()
    assert {"handler", "boto3", "aws_lambda_powertools"} <= found


@pytest.mark.parametrize("name", SERVICES)
def test_each_function_with_its_layers_fits_the_unzipped_limit(
    cli: CliResult, layer_dirs: dict[str, Path], name: str, record_property: Any
) -> None:
    size = sum(unzipped_size(folder) for folder in _function_folders(cli, layer_dirs, name))
    record_property("summary", f"{name}: code + layers unzipped = {size:,} bytes ({size / 2**20:.1f} MiB) "
                               f"of Lambda's {LAMBDA_UNZIPPED_LIMIT:,}")  # fmt: skip
    assert size < LAMBDA_UNZIPPED_LIMIT


def test_no_file_is_in_two_layers(layer_dirs: dict[str, Path]) -> None:
    # Lambda extracts a function's layers into /opt in the template's order: none may shadow another
    seen: dict[str, str] = {}
    for name, folder in layer_dirs.items():
        for path in files(folder):
            relative = path.relative_to(folder).as_posix()
            assert seen.setdefault(relative, name) == name, f"{relative} is in {seen[relative]} and {name}"


def test_every_function_layer_is_a_layer_version_of_this_stack(cli: CliResult) -> None:
    hub = cli.synth.hub
    functions = resources(hub, "AWS::Lambda::Function")
    assert len(functions) == 3
    for logical_id, function in functions.items():
        for layer in function["Properties"]["Layers"]:
            assert set(layer) == {"Ref"}, (logical_id, layer)
            assert hub["Resources"][layer["Ref"]]["Type"] == "AWS::Lambda::LayerVersion", (logical_id, layer)
    assert ":layer:" not in json.dumps(hub)  # no layer ARN anywhere, e.g. an AWS-published layer


def test_the_stack_builds_the_shared_layer_and_each_dependency_layer(layer_dirs: dict[str, Path]) -> None:
    assert set(layer_dirs) == {"Shared", *(spec.name.capitalize() for spec in DEPENDENCY_LAYERS)}
    assert {spec.name for spec in DEPENDENCY_LAYERS} == {"dependencies", "arrow"}
