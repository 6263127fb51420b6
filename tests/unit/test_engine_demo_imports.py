"""The local package (engine, demo, CLI, doctor) imports with nothing but boto3 (heavy libraries load where used)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.unit

HEAVY = ("pyarrow", "duckdb", "rich", "typer", "moto", "aws_lambda_powertools", "aws_cdk", "jsii")


def test_packages_import_light() -> None:
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
        for module in ("orgsweep_local.engine", "orgsweep_local.demo", "orgsweep_local.cli", "orgsweep_local.doctor",
                       "orgsweep.checks.policy"):
            importlib.import_module(module)
        print("ok")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
