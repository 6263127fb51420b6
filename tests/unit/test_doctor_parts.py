"""The doctor's other pure parts: options and settings, sampling, the Map's MaxConcurrency, the
Lambda concurrency comparison, the probe table, the exit code and the table's folding."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from orgsweep.checks.policy import member_role_actions
from orgsweep.pipeline.fleet import Account
from orgsweep_local.cli.doctor import collapsed
from orgsweep_local.doctor import (
    CheckResult,
    DeploymentSettings,
    DoctorInputError,
    Report,
    Status,
    build_options,
    exit_code,
    find_cdk_json,
    load_settings,
)
from orgsweep_local.doctor.concurrency import check_lambda_concurrency, map_max_concurrency
from orgsweep_local.doctor.probes import PROBES, registry_services
from orgsweep_local.doctor.report import document
from orgsweep_local.doctor.targets import sample

pytestmark = pytest.mark.unit

REPOSITORY = Path(__file__).resolve().parents[2]


def test_settings_come_from_the_repository_cdk_json(tmp_path: Path) -> None:
    path = find_cdk_json([tmp_path / "cdk.json", REPOSITORY / "cdk.json"])
    assert path == REPOSITORY / "cdk.json"
    settings = load_settings(path)
    assert (settings.member_role_name, settings.external_id, settings.map_max_concurrency) == (
        "OrgSweepReadOnly", None, 200)
    assert load_settings(None) == DeploymentSettings()
    bad = tmp_path / "cdk.json"
    bad.write_text(json.dumps({"context": {"orgsweep": {"map_max_concurrency": 0}}}))
    with pytest.raises(DoctorInputError, match="map_max_concurrency"):
        load_settings(bad)
    bad.write_text(json.dumps({"context": {"orgsweep": {"regions": ["mars-1"]}}}))
    with pytest.raises(DoctorInputError, match=r"regions\[0\]"):
        load_settings(bad)


def test_options_override_settings_and_are_validated() -> None:
    settings = DeploymentSettings(external_id="from-cdk", regions=("eu-west-1",), source="cdk.json")
    options = build_options(settings, home_region="us-east-1", accounts=["111111111111", "111111111111"])
    assert options.accounts == ("111111111111",) and options.external_id == "from-cdk"
    assert options.regions == ("eu-west-1",) and options.map_max_concurrency_source == "cdk.json"
    assert options.probe_every_account
    options = build_options(settings, home_region="us-east-1", regions=["us-east-1"], external_id="mine")
    assert options.regions == ("us-east-1",) and options.external_id == "mine" and not options.probe_every_account
    for bad, match in (({"accounts": ["1234"]}, "--account"), ({"regions": ["mars"]}, "--region"),
                       ({"ous": ["ou-x"]}, "--ou"), ({"sample": 0}, "--sample"), ({"role_name": "no spaces"},
                                                                                   "--role-name"),
                       ({"external_id": "x"}, "--external-id"), ({"stack": " "}, "--stack")):
        with pytest.raises(DoctorInputError, match=match):
            build_options(settings, home_region="us-east-1", **bad)


def test_sample_is_deterministic_and_spread() -> None:
    accounts = [Account(f"{n:012d}", f"a{n}") for n in range(100)]
    first = sample(accounts, 5)
    assert first == sample(list(reversed(accounts)), 5) and len(first) == 5
    assert first == sorted(first, key=lambda a: a.account_id)
    assert first != accounts[:5]  # not simply the lowest ids
    assert sample(accounts, 500) == accounts


def _definition(*maps: dict[str, Any]) -> str:
    states = {f"S{i}": {"Type": "Map", **m} for i, m in enumerate(maps)}
    states["Done"] = {"Type": "Succeed"}
    return json.dumps({"StartAt": "S0", "States": states})


def test_map_max_concurrency_from_a_definition() -> None:
    assert map_max_concurrency(_definition({"MaxConcurrency": 150})) == 150
    inner = {"ItemProcessor": {"States": {"Inner": {"Type": "Map", "MaxConcurrency": 400}}}, "MaxConcurrency": 5}
    assert map_max_concurrency(_definition(inner)) == 400
    assert map_max_concurrency(_definition({})) == 10_000  # a Distributed Map without a limit
    assert map_max_concurrency(json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass"}}})) is None
    assert map_max_concurrency("not json") is None


def _lambda_settings(response: dict[str, Any] | None) -> Any:
    client = boto3.client("lambda", region_name="us-east-1")
    stubber = Stubber(client)
    if response is None:
        stubber.add_client_error("get_account_settings", "AccessDeniedException", "no", http_status_code=403)
    else:
        stubber.add_response("get_account_settings", response)
    stubber.activate()
    return client


def test_lambda_concurrency_against_the_map() -> None:
    enough = {"AccountLimit": {"ConcurrentExecutions": 1000, "UnreservedConcurrentExecutions": 900}}
    row = check_lambda_concurrency(_lambda_settings(enough), subject="hub", max_concurrency=200, source="cdk.json")
    assert row.status is Status.PASS and "900" in row.detail and "200 (cdk.json)" in row.detail
    low = {"AccountLimit": {"ConcurrentExecutions": 10, "UnreservedConcurrentExecutions": 10}}
    row = check_lambda_concurrency(_lambda_settings(low), subject="hub", max_concurrency=200, source="deployed")
    assert row.status is Status.WARN and "L-B99A9384" in row.fix
    assert "(account limit 10) < Map MaxConcurrency 200" in row.detail
    row = check_lambda_concurrency(_lambda_settings(None), subject="hub", max_concurrency=200, source="x")
    assert row.status is Status.WARN and "AccessDeniedException" in row.detail


def test_every_service_of_the_registry_has_a_probe_calling_a_declared_action() -> None:
    services = registry_services()
    assert set(services) == set(PROBES)
    declared = set(member_role_actions())
    for service, probe in PROBES.items():
        assert probe.action in declared and probe.action.startswith(f"{service}:")
        assert probe.action in services[service]


def _row(status: Status, account: str | None = None, check: str = "member-role") -> CheckResult:
    return CheckResult(check, account or "-", status, "d", account_id=account)


def test_exit_code_and_document() -> None:
    assert exit_code(Report((_row(Status.PASS), _row(Status.WARN, "111111111111")))) == 0
    accounts_fail = Report((_row(Status.PASS), _row(Status.FAIL, "111111111111")))
    assert exit_code(accounts_fail) == 3
    assert exit_code(Report((_row(Status.FAIL), _row(Status.FAIL, "111111111111")))) == 1
    summary = document(accounts_fail)["summary"]
    assert summary == {"pass": 1, "warn": 0, "fail": 1, "accounts_checked": 1, "accounts_failed": ["111111111111"],
                       "exit_code": 3}


def test_many_passing_accounts_fold_into_one_row_per_check() -> None:
    rows = [_row(Status.PASS)] + [_row(Status.PASS, f"{n:012d}") for n in range(25)]
    rows.append(_row(Status.FAIL, "999999999999"))
    shown = collapsed(rows)
    assert [r.subject for r in shown] == ["-", "25 accounts", "999999999999"]
    assert collapsed(rows[:5]) == rows[:5]
