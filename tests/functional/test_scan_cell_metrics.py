"""A cell with 2,000 instances and 2,000 volumes with metric history makes exactly
ceil(queries / 500) GetMetricData calls per window — asserted by counting the requests sent."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from orgsweep.checks import build_checks
from orgsweep.clock import FakeClock
from orgsweep.pipeline.raw import read_raw_cell
from orgsweep.pipeline.scan import metric_end_time, scan_cell
from orgsweep.pipeline.types import Cell, RunSettings
from orgsweep.storage import LocalStorage
from tests.functional.scan_bigcell import QueryRecorder, build_big_cell
from tests.functional.scan_faults import install_faults
from tests.functional.scan_fleet import ACCOUNT_ID, REGION, member_session

pytestmark = pytest.mark.functional

INSTANCES = 2000


def test_big_cell_uses_the_minimum_number_of_get_metric_data_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock(start=datetime.now(UTC).replace(microsecond=0))
    faults = install_faults(monkeypatch)
    with mock_aws():
        cell = build_big_cell(member_session(), metric_end_time(clock.now()), instances=INSTANCES)
        assert (len(cell.instances), len(cell.volumes)) == (INSTANCES, INSTANCES)
        faults.clear()
        # The checks that read these resources' metrics, plus one without metrics over the same volumes.
        checks = build_checks(["ec2-instance-idle", "ebs-volume-idle", "ebs-volume-unattached"])
        recorder = QueryRecorder(checks)
        summary = scan_cell(
            boto3.Session(), Cell(ACCOUNT_ID, "big", REGION), RunSettings("big-run", "OrgSweepReadOnly"),
            storage=LocalStorage(tmp_path), clock=clock, checks=checks,
        )
    output = read_raw_cell(LocalStorage(tmp_path), summary.key)

    assert summary.status == "ok", output.coverage
    windows = recorder.by_window()
    assert sum(windows.values()) > 2 * 500 and all(n > 500 for n in windows.values())  # several calls per window
    # Daily periods over ≤ 14 days: 500 queries never exceed 100,800 datapoints, so only the
    # 500-query limit binds and the minimum is ceil(n / 500) per window.
    assert all(q.period == 86_400 and q.lookback_days * 500 <= 100_800 for q in recorder.queries)
    assert faults.sent["cloudwatch.GetMetricData"] == recorder.minimum_calls()
    assert recorder.minimum_calls() == 12 + 8  # 3 queries x 2,000 instances (14 d), 2 x 2,000 volumes (7 d)

    # Σ coverage api_calls == the cell's calls == requests sent (AssumeRole is the hub's).
    sent = sum(n for name, n in faults.sent.items() if name != "sts.AssumeRole")
    assert sum(row["api_calls"] for row in output.coverage) == summary.api_calls == sent
    # The metric history decides: idle → flagged, busy → no finding, no data → insufficient_data.
    verdicts = {(f["check_id"], f["resource_id"]): f["verdict"] for f in output.findings}
    assert all(verdicts[("ec2-instance-idle", i)] == "flagged" for i in cell.idle_instances)
    assert all(verdicts[("ebs-volume-idle", v)] == "flagged" for v in cell.idle_volumes)
    assert not any(("ec2-instance-idle", i) in verdicts for i in cell.busy_instances)
    assert not any(("ebs-volume-idle", v) in verdicts for v in cell.busy_volumes)
    assert verdicts[("ec2-instance-idle", cell.instances[-1])] == "insufficient_data"
    assert summary.resources == 2 * INSTANCES
