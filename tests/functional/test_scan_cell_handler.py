"""The scan-cell Lambda handler under moto: event in, summary out, raw object in S3."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.parser import ValidationError

from orgsweep.pipeline.raw import RawCellOutput
from orgsweep.storage import raw_cell_key
from orgsweep.storage.exceptions import StorageError
from tests.functional.scan_fleet import ACCOUNT_ID, REGION, member_session

pytestmark = [
    pytest.mark.functional,
    # A rejected event publishes no metrics; Powertools warns about that, as it should.
    pytest.mark.filterwarnings("ignore:No application metrics to publish:UserWarning"),
]

HANDLER_PATH = Path(__file__).resolve().parents[2] / "functions" / "scan_cell" / "handler.py"
BUCKET = "orgsweep-results"


def load_handler() -> ModuleType:
    spec = importlib.util.spec_from_file_location("orgsweep_scan_cell_handler", HANDLER_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # as Lambda's import would (pydantic resolves names through it)
    spec.loader.exec_module(module)
    return module


@dataclass
class FakeLambdaContext:
    remaining_ms: int = 900_000
    function_name: str = "orgsweep-scan-cell"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:orgsweep-scan-cell"
    aws_request_id: str = "req-1"

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


@pytest.fixture
def handler_module(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    monkeypatch.setenv("ORGSWEEP_BUCKET", BUCKET)
    monkeypatch.setenv("ORGSWEEP_PREFIX", "orgsweep")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "orgsweep")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "OrgSweep")
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
    module = load_handler()
    module._base_session.cache_clear()
    yield module
    module._base_session.cache_clear()


def event(**run: Any) -> dict[str, Any]:
    return {
        "cell": {"account_id": ACCOUNT_ID, "account_name": "dev", "region": REGION, "priority": 0},
        "run": {
            "run_id": "run-h",
            "role_name": "OrgSweepReadOnly",
            "external_id": None,
            "preset": "aggressive",
            "checks": {"include": ["ebs-volume-unattached", "eip-unassociated"], "exclude": [], "params": {}},
            **run,
        },
    }


def test_handler_scans_the_cell_and_returns_its_summary(
    handler_module: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    # Powertools binds its log stream once per logger name: read the logs from our own stream.
    log_stream = io.StringIO()
    handler_module.logger.registered_handler.setStream(log_stream)
    member_session().client("ec2").create_volume(AvailabilityZone=f"{REGION}a", Size=10)

    result = handler_module.handler(event(), FakeLambdaContext())

    key = raw_cell_key("run-h", ACCOUNT_ID, REGION)
    assert result == {
        "run_id": "run-h", "account_id": ACCOUNT_ID, "region": REGION, "status": "ok", "findings": 1,
        "resources": 1, "api_calls": 2, "throttles": 0, "retries": 0, "duration_ms": result["duration_ms"],
        "key": key,
    }
    body = boto3.client("s3", region_name="us-east-1").get_object(Bucket=BUCKET, Key=f"orgsweep/{key}")["Body"]
    output = RawCellOutput.from_gzip(body.read())
    assert [f["check_id"] for f in output.findings] == ["ebs-volume-unattached"]
    assert [r["check_id"] for r in output.coverage] == ["ebs-volume-unattached", "eip-unassociated"]
    # Structured log with the cell's keys, and EMF metrics in the OrgSweep namespace.
    logs = [json.loads(line) for line in log_stream.getvalue().splitlines()]
    log = next(line for line in logs if line.get("message") == "cell scanned")
    assert (log["run_id"], log["account_id"], log["region"]) == ("run-h", ACCOUNT_ID, REGION)
    emf = next(json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line)
    directive = emf["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "OrgSweep"
    assert {m["Name"] for m in directive["Metrics"]} == {"Findings", "ApiCalls", "Throttles", "CellsFailed"}
    assert (emf["Findings"], emf["CellsFailed"]) == ([1.0], [0.0])


def test_a_failed_cell_is_returned_not_raised(handler_module: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    # Almost no time left: the cell times out, and still reports it.
    monkeypatch.setenv("ORGSWEEP_SAFETY_MARGIN_S", "30")
    result = handler_module.handler(event(), FakeLambdaContext(remaining_ms=10_000))
    assert result["status"] == "timeout"


@pytest.mark.parametrize(
    ("bad", "needle"),
    [
        ({"cell": {"account_id": "12345", "region": REGION}}, "account_id"),
        ({"cell": {"account_id": ACCOUNT_ID, "region": "mars-1"}}, "region"),
        ({"cell": {"account_id": ACCOUNT_ID, "region": REGION, "color": "red"}}, "color"),
        ({"run": {"run_id": "r", "role_name": "R", "preset": "turbo"}}, "preset"),
        ({"run": {"run_id": "r", "role_name": "R", "checks": {"include": ["no-such-check"]}}}, "no-such-check"),
        ({"run": {"role_name": "R"}}, "run_id"),
    ],
)
def test_a_bad_event_is_a_validation_error_naming_the_field(
    handler_module: ModuleType, bad: dict[str, Any], needle: str
) -> None:
    broken = {**event(), **bad}
    with pytest.raises(ValidationError, match=needle):
        handler_module.handler(broken, FakeLambdaContext())


def test_an_unwritable_bucket_raises_for_step_functions_to_retry(
    handler_module: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORGSWEEP_BUCKET", "no-such-bucket")
    with pytest.raises(StorageError, match="no-such-bucket"):
        handler_module.handler(event(), FakeLambdaContext())


@pytest.mark.parametrize(
    ("remaining_ms", "margin", "budget", "expected"),
    [(900_000, 30.0, 300.0, 300.0), (120_000, 30.0, 300.0, 90.0), (10_000, 30.0, 300.0, 0.0)],
)
def test_cell_budget_is_remaining_time_minus_margin_capped_by_the_preset(
    handler_module: ModuleType, remaining_ms: int, margin: float, budget: float, expected: float
) -> None:
    assert handler_module.cell_budget_s(remaining_ms, margin, budget) == expected


def test_bad_safety_margin_names_the_variable(handler_module: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORGSWEEP_SAFETY_MARGIN_S", "soon")
    with pytest.raises(ValueError, match="ORGSWEEP_SAFETY_MARGIN_S"):
        handler_module.safety_margin_s()
