"""Plan against moto: organization with nested OUs, include/exclude, priorities, standalone account, regions."""

from __future__ import annotations

import importlib.util
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest

from orgsweep.clock import FakeClock
from orgsweep.pipeline.defaults import RunDefaults
from orgsweep.pipeline.exceptions import InputValidationError, PlanError
from orgsweep.pipeline.execution_input import ExecutionInput, parse_execution_input
from orgsweep.pipeline.manifest import read_manifest, read_run_metadata
from orgsweep.pipeline.plan import PlanClients, plan
from orgsweep.pipeline.types import Cell
from orgsweep.storage import LocalStorage
from tests.plan_fixtures import probe_checks

pytestmark = pytest.mark.functional

REPO = Path(__file__).resolve().parents[2]
MGMT = "123456789012"
CLOCK = FakeClock(datetime(2026, 11, 22, 3, 15, tzinfo=UTC))
TWO_REGIONS = {"include": ["us-east-1", "eu-west-1"]}


@pytest.fixture(autouse=True)
def _checks() -> Iterator[None]:
    with probe_checks():
        yield


def _account(org: Any, name: str, parent: str, root: str) -> str:
    account_id = str(
        org.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]["AccountId"]
    )
    if parent != root:
        org.move_account(AccountId=account_id, SourceParentId=root, DestinationParentId=parent)
    return account_id


@pytest.fixture
def org(aws: None) -> dict[str, str]:
    """root: master(mgmt), sandbox; ou prod: prod-db; ou prod/web: web-a, web-b; ou dev: dev-1; closed: gone."""
    client = boto3.client("organizations")
    client.create_organization(FeatureSet="ALL")
    root = client.list_roots()["Roots"][0]["Id"]
    prod = client.create_organizational_unit(ParentId=root, Name="prod")["OrganizationalUnit"]["Id"]
    web = client.create_organizational_unit(ParentId=prod, Name="web")["OrganizationalUnit"]["Id"]
    dev = client.create_organizational_unit(ParentId=root, Name="dev")["OrganizationalUnit"]["Id"]
    ids = {
        "root": root,
        "prod": prod,
        "web": web,
        "dev": dev,
        "sandbox": _account(client, "sandbox", root, root),
        "prod-db": _account(client, "prod-db", prod, root),
        "web-b": _account(client, "web-b", web, root),
        "web-a": _account(client, "web-a", web, root),
        "dev-1": _account(client, "dev-1", dev, root),
        "gone": _account(client, "gone", root, root),
    }
    client.close_account(AccountId=ids["gone"])
    return ids


def _input(raw: dict[str, Any], defaults: RunDefaults | None = None) -> ExecutionInput:
    return parse_execution_input({"run_id": "r1", **raw}, defaults, clock=CLOCK, rng=random.Random(1))


def _plan(tmp_path: Path, raw: dict[str, Any], defaults: RunDefaults | None = None) -> tuple[list[Cell], LocalStorage]:
    storage = LocalStorage(tmp_path)
    result = plan(
        _input(raw, defaults), clients=PlanClients.from_session(boto3.Session()), storage=storage, clock=CLOCK
    )
    cells = read_manifest(storage, result.run_id)
    assert result.cell_count == len(cells)
    return cells, storage


def _pairs(cells: list[Cell]) -> list[tuple[str, str, int]]:
    return [(c.account_name, c.region, c.priority) for c in cells]


def test_ou_filter_includes_child_ous_and_orders_cells(org: dict[str, str], tmp_path: Path) -> None:
    cells, _ = _plan(tmp_path, {"accounts": {"ous": [org["prod"]]}, "regions": TWO_REGIONS})
    assert _pairs(cells) == [
        ("prod-db", "eu-west-1", 1),
        ("prod-db", "us-east-1", 1),
        ("web-a", "eu-west-1", 1),
        ("web-a", "us-east-1", 1),
        ("web-b", "eu-west-1", 1),
        ("web-b", "us-east-1", 1),
    ]
    assert cells[0].account_id == org["prod-db"]


def test_whole_org_skips_closed_accounts(org: dict[str, str], tmp_path: Path) -> None:
    cells, _ = _plan(tmp_path, {"regions": {"include": ["us-east-1"]}})
    assert [c.account_name for c in cells] == ["dev-1", "master", "prod-db", "sandbox", "web-a", "web-b"]


def test_include_and_exclude(org: dict[str, str], tmp_path: Path) -> None:
    raw = {
        "accounts": {"include": [org["web-a"], org["dev-1"], org["sandbox"]], "exclude": [org["sandbox"]]},
        "regions": {"include": ["us-east-1", "eu-west-1", "ap-south-1"], "exclude": ["ap-south-1"]},
    }
    cells, _ = _plan(tmp_path, raw)
    assert _pairs(cells) == [
        ("dev-1", "eu-west-1", 1),
        ("dev-1", "us-east-1", 1),
        ("web-a", "eu-west-1", 1),
        ("web-a", "us-east-1", 1),
    ]


def test_include_intersects_the_ou_filter(org: dict[str, str], tmp_path: Path) -> None:
    raw = {"accounts": {"ous": [org["web"]], "include": [org["web-b"], org["dev-1"]]}, "regions": TWO_REGIONS}
    cells, _ = _plan(tmp_path, raw)
    assert {c.account_name for c in cells} == {"web-b"}


def test_priority_accounts_and_ous_come_first(org: dict[str, str], tmp_path: Path) -> None:
    defaults = RunDefaults(priority_ous=(org["web"],), priority_accounts=(org["sandbox"],))
    cells, _ = _plan(tmp_path, {"regions": {"include": ["us-east-1"]}}, defaults)
    assert _pairs(cells) == [
        ("sandbox", "us-east-1", 0),
        ("web-a", "us-east-1", 0),
        ("web-b", "us-east-1", 0),
        ("dev-1", "us-east-1", 1),
        ("master", "us-east-1", 1),
        ("prod-db", "us-east-1", 1),
    ]


def test_default_regions_are_the_enabled_ones(org: dict[str, str], tmp_path: Path) -> None:
    all_regions = boto3.client("ec2").describe_regions(AllRegions=True)["Regions"]
    disabled = {r["RegionName"] for r in all_regions if r["OptInStatus"] == "not-opted-in"}
    enabled = {r["RegionName"] for r in all_regions} - disabled
    assert disabled and enabled
    cells, _ = _plan(tmp_path, {"accounts": {"include": [org["dev-1"]]}, "regions": {"exclude": ["us-west-2"]}})
    assert [c.region for c in cells] == sorted(enabled - {"us-west-2"})


def test_manifest_and_run_metadata_content(org: dict[str, str], tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    execution_input = _input({"accounts": {"include": [org["dev-1"]]}, "regions": {"include": ["us-east-1"]}})
    result = plan(execution_input, clients=PlanClients.from_session(boto3.Session()), storage=storage, clock=CLOCK)
    manifest = json.loads((tmp_path / "manifests/r1/cells.json").read_text())
    assert manifest == [{"account_id": org["dev-1"], "account_name": "dev-1", "region": "us-east-1", "priority": 1}]
    assert result.to_dict() == {
        "run_id": "r1",
        "manifest": {
            "bucket": None,
            "key": "manifests/r1/cells.json",
            "uri": str(tmp_path / "manifests/r1/cells.json"),
        },
        "cell_count": 1,
        "run": execution_input.run_settings().to_dict(),
    }
    metadata = read_run_metadata(storage, "r1")
    assert metadata is not None
    assert (metadata.created_at, metadata.day, metadata.cell_count) == (CLOCK.now(), "2026-11-22", 1)
    assert metadata.input == execution_input.to_dict()
    # Planning the same run id again later keeps its creation time, so its `dt` never moves.
    later = FakeClock(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    plan(execution_input, clients=PlanClients.from_session(boto3.Session()), storage=storage, clock=later)
    again = read_run_metadata(storage, "r1")
    assert again is not None and again.created_at == CLOCK.now()


def test_s3_manifest_location_has_bucket_and_full_key(org: dict[str, str]) -> None:
    from orgsweep.storage.s3 import S3Storage

    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="results")
    storage = S3Storage(s3, "results", "team/sweeps")
    execution_input = _input({"accounts": {"include": [org["dev-1"]]}, "regions": {"include": ["us-east-1"]}})
    result = plan(execution_input, clients=PlanClients.from_session(boto3.Session()), storage=storage, clock=CLOCK)
    assert result.manifest.to_dict() == {
        "bucket": "results",
        "key": "team/sweeps/manifests/r1/cells.json",
        "uri": "s3://results/team/sweeps/manifests/r1/cells.json",
    }
    body = s3.get_object(Bucket="results", Key="team/sweeps/manifests/r1/cells.json")["Body"].read()
    assert json.loads(body)[0]["account_name"] == "dev-1"


@pytest.mark.parametrize(
    ("raw_of", "field", "problem"),
    [
        (lambda o: {"accounts": {"ous": ["ou-zzzz-zzzzzzzz"]}}, "accounts.ous", "does not exist in this organization"),
        (
            lambda o: {"accounts": {"include": [o["gone"]]}},
            "accounts.include",
            "not an ACTIVE account of the organization",
        ),
        (lambda o: {"accounts": {"include": ["999999999999"]}}, "accounts.include", "999999999999: not an ACTIVE"),
    ],
)
def test_bad_input_found_in_the_org_fails_before_writing(
    org: dict[str, str], tmp_path: Path, raw_of: Any, field: str, problem: str
) -> None:
    with pytest.raises(InputValidationError) as info:
        _plan(tmp_path, {**raw_of(org), "regions": TWO_REGIONS})
    assert info.value.field == field
    assert problem in info.value.problem
    assert list(tmp_path.iterdir()) == []


def test_a_selection_with_no_cells_is_an_error(org: dict[str, str], tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="no cell to scan"):
        _plan(tmp_path, {"accounts": {"ous": [org["dev"]], "exclude": [org["dev-1"]]}, "regions": TWO_REGIONS})
    assert list(tmp_path.iterdir()) == []


def test_standalone_account_scans_itself_named_by_alias(aws: None, tmp_path: Path) -> None:
    boto3.client("iam").create_account_alias(AccountAlias="lonely-dev")
    cells, _ = _plan(tmp_path, {"regions": TWO_REGIONS})
    assert [(c.account_id, c.account_name, c.region) for c in cells] == [
        (MGMT, "lonely-dev", "eu-west-1"),
        (MGMT, "lonely-dev", "us-east-1"),
    ]


def test_standalone_account_without_alias_is_named_by_id(aws: None, tmp_path: Path) -> None:
    cells, _ = _plan(tmp_path, {"regions": {"include": ["us-east-1"]}}, RunDefaults(priority_accounts=(MGMT,)))
    assert [(c.account_name, c.priority) for c in cells] == [(MGMT, 0)]


def test_standalone_account_rejects_ous_and_foreign_includes(aws: None, tmp_path: Path) -> None:
    with pytest.raises(InputValidationError, match="not in an organization"):
        _plan(tmp_path, {"accounts": {"ous": ["ou-abcd-12345678"]}})
    with pytest.raises(InputValidationError, match="111111111111: not this standalone account"):
        _plan(tmp_path, {"accounts": {"include": ["111111111111"]}})


# --- handler ------------------------------------------------------------------------------------


def _load_handler(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"orgsweep_test_{name}_handler", REPO / "functions" / name / "handler.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_handler_plans_into_the_bucket(org: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    boto3.client("s3").create_bucket(Bucket="hub-results")
    monkeypatch.setenv("ORGSWEEP_BUCKET", "hub-results")
    monkeypatch.setenv("ORGSWEEP_PREFIX", "p")
    monkeypatch.setenv("ORGSWEEP_DEFAULTS", json.dumps({"regions": ["us-east-1"], "member_role_name": "Sweeper"}))
    handler = _load_handler("plan").handler
    result = handler({"run_id": "h1", "accounts": {"include": [org["web-a"]]}}, None)
    assert result["run_id"] == "h1"
    assert result["manifest"] == {
        "bucket": "hub-results",
        "key": "p/manifests/h1/cells.json",
        "uri": "s3://hub-results/p/manifests/h1/cells.json",
    }
    assert result["cell_count"] == 1
    assert result["run"]["role_name"] == "Sweeper"
    assert len(json.dumps(result)) < 1024
    with pytest.raises(InputValidationError) as info:
        handler({"regions": {"include": ["mars-1"]}}, None)
    assert str(info.value) == "regions.include[0]: 'mars-1' is not an AWS region name (e.g. us-east-1)"


def test_handler_refuses_a_role_or_external_id_the_deployed_roles_cannot_use(
    org: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="hub-results")
    monkeypatch.setenv("ORGSWEEP_BUCKET", "hub-results")
    monkeypatch.setenv("ORGSWEEP_DEFAULTS", json.dumps({"member_role_name": "Sweeper", "external_id": "ext-4242"}))
    deployed = {"member_role_name": "Sweeper", "external_id": "ext-4242", "partition": "aws"}
    monkeypatch.setenv("ORGSWEEP_DEPLOYED_ACCESS", json.dumps(deployed))
    handler = _load_handler("plan").handler

    with pytest.raises(InputValidationError) as info:
        handler({"run_id": "bad-role", "role_name": "OrgSweepReadOnly"}, None)
    assert info.value.field == "role_name"
    assert "may assume only roles named 'Sweeper'" in info.value.problem
    with pytest.raises(InputValidationError) as info:
        handler({"run_id": "bad-ext", "external_id": "ext-other"}, None)
    assert info.value.field == "external_id"
    assert "'ext-4242'" in info.value.problem
    assert s3.list_objects_v2(Bucket="hub-results").get("KeyCount") == 0  # refused before anything is written

    # the deployed role, by name or by ARN, and the default external id plan as usual
    result = handler({"run_id": "ok", "role_name": "Sweeper", "accounts": {"include": [org["web-a"]]}}, None)
    assert result["run"]["role_name"] == "Sweeper" and result["run"]["external_id"] == "ext-4242"
    arn = f"arn:aws:iam::{org['web-a']}:role/Sweeper"
    assert handler({"run_id": "ok-arn", "role_name": arn, "accounts": {"include": [org["web-a"]]}}, None)["cell_count"]
