"""`orgsweep demo --engine stepfunctions`, run as a user runs it: the workflow passes under enforced IAM.

A child process runs the real command (synth with the pinned CDK CLI, deploy into the
embedded moto, one execution with every Lambda under its own synthesized role). It must
exit 0, meet the demo's ground truth, and print one line saying how many calls IAM checked
and that none was denied - on one line, even at 80 columns through a pipe.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

IAM_LINE = re.compile(r"^IAM enforced: (\d+) calls checked, (\d+) denied\b", re.MULTILINE)


def test_the_stepfunctions_demo_passes_under_enforced_iam(tmp_path: Path) -> None:
    environment = {**os.environ, "COLUMNS": "80", "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1"}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "orgsweep"), "demo", "--engine", "stepfunctions",
         "--accounts", "1", "--regions", "us-east-1", "--out", str(tmp_path / "out")],
        capture_output=True, text=True, env=environment, timeout=280, check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    found = IAM_LINE.search(done.stdout)
    assert found, done.stdout[-3000:]
    checked, denied = int(found.group(1)), int(found.group(2))
    print(found.group(0))
    assert denied == 0 and checked > 50, found.group(0)
    assert "0 unexpected finding(s)" in done.stdout  # (exit 0 already means the ground truth was met)
