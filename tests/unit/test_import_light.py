"""The layer must import with nothing but boto3: heavy libraries load lazily, where used."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.unit

HEAVY = ("pyarrow", "duckdb", "rich", "typer", "aws_lambda_powertools", "pydantic", "aws_cdk", "constructs",
         "jsii", "cdk_nag", "moto", "hypothesis")

LIGHT_MODULES = (
    "orgsweep",
    "orgsweep.aws",
    "orgsweep.ratelimit",
    "orgsweep.metrics",
    "orgsweep.executor",
    "orgsweep.checks",
    "orgsweep.storage",
    "orgsweep.tables",
    "orgsweep.pipeline.raw",
    "orgsweep.pipeline.scan",
)


def test_library_imports_without_optional_dependencies() -> None:
    # A meta-path finder makes every heavy package unimportable, as on a machine with only boto3.
    script = textwrap.dedent(
        f"""
        import importlib, sys
        HEAVY = {HEAVY!r}
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in HEAVY:
                    raise ImportError("blocked heavy import: " + name)
                return None
        sys.meta_path.insert(0, Block())
        for module in {LIGHT_MODULES!r}:
            importlib.import_module(module)
        import orgsweep.checks
        assert len(orgsweep.checks.all_checks()) == 16, orgsweep.checks.all_checks()
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)
        assert not loaded, loaded
        print("ok")
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
