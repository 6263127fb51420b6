"""The orgsweep CLI, run in-process: errors are one line with the documented exit code and write nothing."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from orgsweep.checks import all_checks
from orgsweep.checks.policy import CELL_ACTIONS
from orgsweep.pipeline.aggregate import aggregate
from orgsweep.pipeline.types import Cell
from orgsweep.storage import LocalStorage
from orgsweep_local.cli.app import run
from tests.aggregate_fixtures import coverage, finding, inventory, raw_output, seed_run

pytestmark = pytest.mark.functional

RUN = "20261122T031500Z-cli001"
A = Cell("111111111111", "alpha", "us-east-1")


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    # moto loads ~600 public AMIs into every new (account, region): seconds each, unused here.
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    return lines[0]


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["--check", "no-such-check"], "checks.include[0]: unknown check id 'no-such-check'"),
        (["--account", "1234"], "accounts.include[0]: '1234' is not an AWS account id"),
        (["--exclude-account", "12345678901x"], "accounts.exclude[0]"),
        (["--region", "mars-north-1x"], "regions.include[0]"),
        (["--param", "ec2-instance-idle.cpu=5"], "checks.params.ec2-instance-idle.cpu: unknown parameter"),
        (["--param", "ec2-instance-idle.cpu_pct=lots"], "checks.params.ec2-instance-idle.cpu_pct"),
        (["--param", "cpu_pct=5"], "--param 'cpu_pct=5': expected CHECK.NAME=VALUE"),
        (["--preset", "turbo"], "preset: unknown preset 'turbo'"),
        (["--run-id", "../escape"], "run_id"),
        (["--bucket", "b"], "--out and --bucket are exclusive"),
        (["--no-such-option"], "No such option: --no-such-option"),
    ],
)
def test_scan_rejects_bad_input_with_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], problem: str
) -> None:
    out = tmp_path / "out"
    code, _, err = cli(capsys, "scan", "--out", str(out), *argv)
    assert code == 2
    assert problem in one_error_line(err)
    assert not out.exists()


def test_scan_rejects_a_bad_input_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    document = tmp_path / "input.json"
    document.write_text('{"accounts": {"include": ["111111111111"]}, "colour": "blue"}')
    code, _, err = cli(capsys, "scan", "--input", str(document), "--out", str(tmp_path / "out"))
    assert code == 2
    assert "colour: unknown field" in one_error_line(err)
    document.write_text("{not json")
    code, _, err = cli(capsys, "scan", "--input", str(document), "--out", str(tmp_path / "out"))
    assert code == 2
    assert "not valid JSON" in one_error_line(err)
    assert not (tmp_path / "out").exists()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # closed again: connecting is refused


def test_scan_with_an_unreachable_endpoint_fails_fast_with_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    out = tmp_path / "out"
    code, _, err = cli(capsys, "scan", "--region", "us-east-1", "--out", str(out))
    assert code == 1
    line = one_error_line(err)
    assert "cannot reach the AWS endpoint" in line and url in line
    assert not out.exists()


def test_usage_errors_and_bare_invocation(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "frobnicate")
    assert code == 2 and "No such command 'frobnicate'" in one_error_line(err)
    code, out, err = cli(capsys)
    assert code == 0 and "scan" in out and "demo" in out and not err.strip()
    code, out, _ = cli(capsys, "scan", "--help")
    assert code == 0 and "--param" in out and "Exit codes" in out


def test_demo_rejects_a_bad_fleet_before_starting_anything(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _, err = cli(capsys, "demo", "--accounts", "0", "--out", str(out))
    assert code == 2 and "accounts must be between 1 and 50" in one_error_line(err)
    code, _, err = cli(capsys, "demo", "--regions", "us-east-1,atlantis", "--out", str(out))
    assert code == 2 and "'atlantis' is not an AWS region name" in one_error_line(err)
    code, _, err = cli(capsys, "demo", "--throttle", "0.8", "--out", str(out))
    assert code == 2 and "--throttle" in err
    code, _, err = cli(capsys, "demo", "--latency-ms", "-1", "--out", str(out))
    assert code == 2 and "--latency-ms" in err
    assert not out.exists()


def test_checks_lists_every_check_with_params_and_permissions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "checks")
    assert code == 0
    for cls in all_checks():
        assert cls.id in out
    assert "cpu_pct=10.0" in out and "ec2:DescribeInstances" in out
    code, out, _ = cli(capsys, "checks", "--format", "json")
    rows = json.loads(out)
    assert [r["id"] for r in rows] == sorted(c.id for c in all_checks())
    idle = next(r for r in rows if r["id"] == "ec2-instance-idle")
    assert idle["params"] == {"lookback_days": 14, "min_days": 4, "cpu_pct": 10.0, "net_mb": 5.0}
    assert idle["resource_type"] == "AWS::EC2::Instance"


def test_member_role_policy_grants_exactly_the_declared_read_only_actions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "member-role-policy")
    assert code == 0
    policy = json.loads(out)
    (statement,) = policy["Statement"]
    assert policy["Version"] == "2012-10-17" and statement["Effect"] == "Allow" and statement["Resource"] == "*"
    declared = {action for cls in all_checks() for action in cls.permissions}
    assert set(statement["Action"]) == declared | set(CELL_ACTIONS)
    assert all(a.split(":")[1].startswith(("Describe", "List", "Get")) for a in statement["Action"])
    code, out, _ = cli(capsys, "member-role-policy", "--trust", "123456789012", "--external-id", "xyz-123")
    trust = json.loads(out)["Statement"][0]
    assert trust["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert trust["Condition"] == {"StringEquals": {"sts:ExternalId": "xyz-123"}}
    code, _, err = cli(capsys, "member-role-policy", "--trust", "12")
    assert code == 2 and "--trust" in one_error_line(err)


@pytest.fixture
def results(tmp_path: Path) -> Path:
    """A small aggregated run: two findings (one flagged, one insufficient) in one cell."""
    root = tmp_path / "results"
    storage = LocalStorage(root)
    seed_run(storage, RUN, [A], datetime(2026, 11, 22, 3, 15, tzinfo=UTC))
    found = [
        finding(RUN, A, "ebs-volume-unattached", "vol-1", cost=8.0),
        finding(RUN, A, "ebs-volume-idle", "vol-2", verdict="insufficient_data", cost=0.0),
    ]
    raw_output(
        RUN, A, findings=found, inventory_rows=[inventory(RUN, A, "vol-1"), inventory(RUN, A, "vol-2")],
        coverage_rows=[coverage(RUN, A, "ebs-volume-unattached"), coverage(RUN, A, "ebs-volume-idle")],
    ).write(storage)
    aggregate(RUN, storage=storage)
    return root


def test_query_runs_named_queries_and_sql_over_the_tables(capsys: pytest.CaptureFixture[str], results: Path) -> None:
    code, out, _ = cli(capsys, "query", "top_idle_by_cost", "--out", str(results), "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert [(r["resource_id"], r["monthly_cost_usd"]) for r in rows] == [("vol-1", 8.0)]
    sql = "SELECT check_id, verdict, dt, observed_at FROM findings ORDER BY check_id"
    code, out, _ = cli(capsys, "query", sql, "--out", str(results), "--format", "csv")
    assert code == 0
    assert out.splitlines() == [
        "check_id,verdict,dt,observed_at",
        "ebs-volume-idle,insufficient_data,2026-11-22,2026-11-22T03:16:42.500000+00:00",
        "ebs-volume-unattached,flagged,2026-11-22,2026-11-22T03:16:42.500000+00:00",
    ]
    code, out, _ = cli(capsys, "query", "SELECT count(*) AS n FROM inventory", "--out", str(results))
    assert code == 0 and "n" in out and "2" in out
    code, out, _ = cli(capsys, "query")
    assert code == 0 and "top_idle_by_cost" in out and "coverage_gaps" in out


def test_query_errors(capsys: pytest.CaptureFixture[str], results: Path, tmp_path: Path) -> None:
    code, _, err = cli(capsys, "query", "SELECT * FROM nowhere", "--out", str(results))
    assert code == 2 and "query failed" in one_error_line(err)
    code, _, err = cli(capsys, "query", "no_such_query", "--out", str(results))
    assert code == 2 and "no named query 'no_such_query'" in one_error_line(err)
    code, _, err = cli(capsys, "query", "SELECT 1", "--out", str(tmp_path / "empty"))
    assert code == 1 and "no orgsweep tables under" in one_error_line(err)


def _upload(root: Path, bucket: str, prefix: str) -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    for path in root.rglob("*"):
        if path.is_file():
            s3.put_object(Bucket=bucket, Key=prefix + path.relative_to(root).as_posix(), Body=path.read_bytes())


def test_query_reads_tables_from_a_bucket(capsys: pytest.CaptureFixture[str], results: Path, aws: None) -> None:
    _upload(results, "hub-results", "orgsweep/")
    code, out, _ = cli(
        capsys, "query", "SELECT resource_id FROM findings ORDER BY 1", "--bucket", "hub-results",
        "--prefix", "orgsweep", "--format", "json",
    )
    assert code == 0
    assert json.loads(out) == [{"resource_id": "vol-1"}, {"resource_id": "vol-2"}]


def _member_with_unattached_volume() -> tuple[str, str]:
    org = boto3.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    account_id = org.create_account(Email="m@example.com", AccountName="member")["CreateAccountStatus"]["AccountId"]
    creds: dict[str, Any] = boto3.client("sts", region_name="us-east-1").assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/setup", RoleSessionName="setup"
    )["Credentials"]
    ec2 = boto3.client(
        "ec2", region_name="us-east-1", aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"],
    )
    volume_id: str = ec2.create_volume(AvailabilityZone="us-east-1a", Size=100)["VolumeId"]
    return account_id, volume_id


def test_scan_end_to_end_in_moto(capsys: pytest.CaptureFixture[str], tmp_path: Path, aws: None) -> None:
    account_id, volume_id = _member_with_unattached_volume()
    out = tmp_path / "out"
    code, stdout, err = cli(
        capsys, "scan", "--account", account_id, "--region", "us-east-1", "--check", "ebs-volume-unattached",
        "--run-id", "cli-scan-1", "--out", str(out),
    )
    assert code == 0, err
    assert "Findings by check" in stdout and "ebs-volume-unattached" in stdout
    assert f"orgsweep query top_idle_by_cost --out {out}" in stdout
    summary = json.loads((out / "runs" / "cli-scan-1" / "summary.json").read_text())
    assert summary["cells"]["by_status"] == {"ok": 1}
    code, stdout, _ = cli(capsys, "query", "SELECT resource_id FROM findings", "--out", str(out), "--format", "json")
    assert json.loads(stdout) == [{"resource_id": volume_id}]


def test_scan_exits_3_when_a_cell_is_not_ok(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError

    from orgsweep.checks.catalogue.eip_unassociated import EipUnassociated

    def denied(self: Any, ctx: Any) -> Any:
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "not allowed"}}, "DescribeAddresses")

    monkeypatch.setattr(EipUnassociated, "discover", denied)
    account_id, _ = _member_with_unattached_volume()
    out = tmp_path / "out"
    code, stdout, err = cli(
        capsys, "scan", "--account", account_id, "--region", "us-east-1", "--check", "ebs-volume-unattached",
        "--check", "eip-unassociated", "--run-id", "cli-scan-2", "--out", str(out),
    )
    assert code == 3, err
    assert "Some cells are not ok" in stdout
    summary = json.loads((out / "runs" / "cli-scan-2" / "summary.json").read_text())
    assert summary["coverage_rows_by_status"] == {"access_denied": 1, "ok": 1}


def test_scan_writes_the_same_layout_to_a_bucket(capsys: pytest.CaptureFixture[str], aws: None) -> None:
    account_id, volume_id = _member_with_unattached_volume()
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="hub-results")
    code, stdout, err = cli(
        capsys, "scan", "--account", account_id, "--region", "us-east-1", "--check", "ebs-volume-unattached",
        "--run-id", "cli-bucket-1", "--bucket", "hub-results", "--prefix", "sweeps",
    )
    assert code == 0, err
    keys = {o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket="hub-results")["Contents"]}
    assert "sweeps/runs/cli-bucket-1/summary.json" in keys
    assert f"sweeps/raw/cli-bucket-1/{account_id}/us-east-1.json.gz" in keys
    assert any(k.startswith("sweeps/tables/findings/dt=") and k.endswith("/cli-bucket-1.parquet") for k in keys)
    assert "--bucket hub-results --prefix sweeps" in stdout
    code, stdout, _ = cli(capsys, "query", "SELECT resource_id FROM findings", "--bucket", "hub-results",
                          "--prefix", "sweeps", "--format", "json")
    assert json.loads(stdout) == [{"resource_id": volume_id}]
