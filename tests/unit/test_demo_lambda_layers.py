"""The in-process Lambda runtime leaves layers built for Lambda's platform off this process's sys.path."""

from __future__ import annotations

import importlib.machinery
import io
import zipfile

import pytest

from orgsweep_local.demo.lambda_runtime import _foreign_binaries

pytestmark = pytest.mark.unit

NATIVE = importlib.machinery.EXTENSION_SUFFIXES[0]


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, b"")
    return buffer.getvalue()


def test_a_layer_with_extension_modules_for_another_platform_is_foreign() -> None:
    lambda_suffix = ".cpython-312-aarch64-linux-gnu.so"  # what the dependency layers hold
    foreign = lambda_suffix if lambda_suffix != NATIVE else ".cpython-312-x86_64-linux-gnu.so"
    assert _foreign_binaries(_zip("python/six.py", f"python/pydantic_core/_pydantic_core{foreign}"))
    assert _foreign_binaries(_zip(f"python/pyarrow/lib{foreign}", "python/pyarrow/__init__.py"))


def test_a_pure_python_layer_or_one_built_for_this_interpreter_is_not() -> None:
    assert not _foreign_binaries(_zip("python/orgsweep/__init__.py", "python/orgsweep/py.typed"))
    assert not _foreign_binaries(_zip(f"python/fast/_speedups{NATIVE}", "python/fast/__init__.py"))
    assert not _foreign_binaries(_zip("python/pyarrow/libarrow.so.2600"))  # a shared library, not a module
