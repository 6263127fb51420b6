"""The synthesized state machine, deployed into moto and executed with the real handlers in-process,
writes the same tables as the local engine for the same fleet.

One demo fleet (2 accounts x 2 regions) is seeded into an embedded moto server. The hub
stack from `cdk synth` (pinned CLI) is deployed by CloudFormation; one execution runs Plan,
the Distributed Map of scan_cell and Aggregate. The local engine then scans the same fleet
under the same run id, and the three Parquet tables of both runs are compared with DuckDB,
ignoring only what depends on when a cell ran: observed_at, duration_ms, and the ages in
the evidence (age_days, stopped_days: measured from the cell's start), which must agree
within a few minutes.

Everything runs under enforced IAM (orgsweep_local.demo.iam): each Lambda's calls are signed
with credentials of its own role, which CloudFormation created in moto from the synthesized
template; the scan assumes member roles created from the synthesized member-role template;
the test harness itself is an allow-all IAM user. Any AccessDenied fails the test, and a
last execution, with one action removed from the Plan role, shows that enforcement is on.

The Lambdas reach AWS through the fault proxy. A second execution makes S3 refuse one
cell's output (HTTP 500 on every attempt): that Lambda crashes, the Map moves on, and
Aggregate records the cell as `error` while the other cells' results stand.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from orgsweep.pipeline.execution_input import parse_execution_input
from orgsweep.storage import LocalStorage
from orgsweep_local.cli.demo_sfn import copy_bucket, moto_port
from orgsweep_local.cli.watch import wait_for_execution
from orgsweep_local.demo import DemoServer, FleetSpec, GroundTruth, SeededFleet, seed_fleet
from orgsweep_local.demo.faults import FaultPlan, FaultProxy, FaultRule, Outcome
from orgsweep_local.demo.iam import IamEnforcement
from orgsweep_local.demo.lambda_runtime import InProcessLambda
from orgsweep_local.demo.member_roles import deploy_member_roles
from orgsweep_local.demo.scoring import read_findings
from orgsweep_local.demo.stepfunctions import deploy_hub, quiet_moto, synthesize
from orgsweep_local.engine import LocalEngine

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300), pytest.mark.xdist_group("e2e-state-machine")]

REGIONS = ("us-east-1", "eu-west-1")
RUN_ID = "e2e-twin"
CRASH_RUN_ID = "e2e-crash"
PACKAGE = Path(__file__).resolve().parents[2] / "layers" / "shared" / "python" / "orgsweep"


@dataclass
class Twin:
    fleet: SeededFleet
    truth: GroundTruth
    cloud: Path
    local: Path
    execution: dict[str, Any]
    invocations: int
    layer_zip: bytes


@dataclass
class Hub:
    """The deployed hub in moto over a seeded fleet; its Lambdas reach AWS through `proxy`."""

    base: Path
    server: DemoServer
    fleet: SeededFleet
    truth: GroundTruth
    outputs: dict[str, str]
    runtime: InProcessLambda
    proxy: FaultProxy
    iam: IamEnforcement
    admin: Any  # the allow-all IAM user's session: the harness is checked by IAM too

    def execute(self, document: dict[str, Any]) -> dict[str, Any]:
        sfn = self.admin.client("stepfunctions")
        arn = sfn.start_execution(
            stateMachineArn=self.outputs["StateMachineArn"], name=document["run_id"], input=json.dumps(document)
        )["executionArn"]
        execution: dict[str, Any] = wait_for_execution(sfn, arn, poll_s=0.5, timeout_s=240)
        return execution

    def copy_results(self, folder: Path) -> Path:
        copy_bucket(self.admin, self.server.endpoint_url, self.outputs["ResultsBucketName"], LocalStorage(folder))
        return folder


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    base = tmp_path_factory.mktemp("twin")
    assembly = synthesize(base / "cdk.out")
    with DemoServer() as server, pytest.MonkeyPatch.context() as env:
        session = server.session()
        fleet, truth = seed_fleet(server.endpoint_url, session, FleetSpec(accounts=2, regions=REGIONS, seed=11))
        env.setenv("AWS_ENDPOINT_URL", server.endpoint_url)
        iam = IamEnforcement(server)
        with (
            FaultProxy(server.endpoint_url) as proxy,
            moto_port(server.port),
            quiet_moto(),
            InProcessLambda(proxy.endpoint_url, credentials=iam.lambda_credentials) as runtime,
            iam,
        ):
            outputs = deploy_hub(session, assembly)
            deploy_member_roles(session, server.endpoint_url, assembly, fleet.account_ids)
            admin = iam.admin_session()
            iam.enforce()
            yield Hub(base, server, fleet, truth, outputs, runtime, proxy, iam, admin)


def _document(fleet: SeededFleet, run_id: str) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "regions": {"include": list(REGIONS)},
        "accounts": {"exclude": [fleet.management_account_id]},
    }


@pytest.fixture(scope="module")
def twin(hub: Hub) -> Twin:
    document = _document(hub.fleet, RUN_ID)
    before = hub.runtime.invocations
    execution = hub.execute(document)
    invocations = hub.runtime.invocations - before
    cloud = hub.copy_results(hub.base / "cloud")
    session = hub.admin
    layer_key = next(k for k in _asset_keys(session) if _is_layer(session, k))
    layer_zip = session.client("s3").get_object(Bucket=_assets_bucket(), Key=layer_key)["Body"].read()
    local = hub.base / "local"
    LocalEngine(session, LocalStorage(local)).run(parse_execution_input(document))
    return Twin(hub.fleet, hub.truth, cloud, local, execution, invocations, layer_zip)


@dataclass
class Crash:
    cell: tuple[str, str]
    execution: dict[str, Any]
    results: Path
    errors: int
    failed_puts: int


@pytest.fixture(scope="module")
def crash(hub: Hub, twin: Twin) -> Crash:
    """A second execution in which one cell's Lambda crashes: S3 refuses to store its output."""
    cell = (hub.fleet.account_ids[1], REGIONS[0])
    key = f"raw/{CRASH_RUN_ID}/{cell[0]}/{cell[1]}"
    hub.proxy.configure(FaultPlan(rules=(FaultRule(service="s3", action="PutObject", path_contains=key),)))
    hub.proxy.clear_records()
    errors_before = hub.runtime.errors
    try:
        execution = hub.execute(_document(hub.fleet, CRASH_RUN_ID))
    finally:
        hub.proxy.configure(FaultPlan())
    failed = [r for r in hub.proxy.records() if r.outcome is Outcome.FAILED]
    results = hub.copy_results(hub.base / "crash")
    return Crash(cell, execution, results, hub.runtime.errors - errors_before, len(failed))


def _assets_bucket() -> str:
    return "cdk-hnb659fds-assets-123456789012-us-east-1"


def _asset_keys(session: Any) -> list[str]:
    listing = session.client("s3").list_objects_v2(Bucket=_assets_bucket())
    return [item["Key"] for item in listing.get("Contents", []) if item["Key"].endswith(".zip")]


def _is_layer(session: Any, key: str) -> bool:
    body = session.client("s3").get_object(Bucket=_assets_bucket(), Key=key)["Body"].read()
    return "python/orgsweep/__init__.py" in zipfile.ZipFile(io.BytesIO(body)).namelist()


def _rows(root: Path, table: str, exclude: tuple[str, ...], run_id: str = RUN_ID) -> list[dict[str, Any]]:
    pattern = str(root / "tables" / table / "dt=*" / f"{run_id}.parquet")
    relation = duckdb.sql(f"SELECT * FROM read_parquet('{pattern}', hive_partitioning = true)")
    assert relation is not None
    columns = [c for c in relation.columns if c not in exclude]
    ordered = relation.select(*columns).order(", ".join(columns))
    rows: list[dict[str, Any]] = ordered.to_arrow_table().to_pylist()
    return rows


def _ages_apart(cloud: list[dict[str, Any]], local: list[dict[str, Any]]) -> list[str]:
    """Move the evidence's observation-relative ages out of the rows; return the ones that disagree."""
    problems = []
    for a, b in zip(cloud, local, strict=True):
        if "evidence" not in a:
            continue
        evidence_a, evidence_b = json.loads(a["evidence"]), json.loads(b["evidence"])
        for key in ("age_days", "stopped_days"):
            age_a, age_b = evidence_a["observed"].pop(key, None), evidence_b["observed"].pop(key, None)
            if (age_a is None) != (age_b is None) or (age_a is not None and abs(age_a - age_b) > 0.01):
                problems.append(f"{a['resource_id']}.{key}: {age_a} vs {age_b}")
        a["evidence"], b["evidence"] = json.dumps(evidence_a), json.dumps(evidence_b)
    return problems


def test_the_execution_succeeds_with_every_lambda_run_in_process(twin: Twin) -> None:
    assert twin.execution["status"] == "SUCCEEDED", twin.execution
    output = json.loads(twin.execution["output"])
    assert output["run_id"] == RUN_ID and output["cells"] == 4 and output["status_counts"] == {"ok": 4}
    assert twin.invocations == 1 + 4 + 1  # plan, one scan_cell per cell, aggregate


@pytest.mark.parametrize(
    ("table", "timing"),
    [("findings", ("observed_at",)), ("inventory", ()), ("coverage", ("duration_ms",))],
)
def test_both_engines_write_identical_tables(twin: Twin, table: str, timing: tuple[str, ...]) -> None:
    cloud, local = _rows(twin.cloud, table, timing), _rows(twin.local, table, timing)
    assert cloud, table
    assert len(cloud) == len(local)
    assert not _ages_apart(cloud, local)
    differences = [
        f"{a.get('resource_id') or a.get('check_id')}.{column}: {a[column]!r} != {b[column]!r}"
        for a, b in zip(cloud, local, strict=True)
        for column in a
        if a[column] != b[column]
    ]
    assert not differences, "\n".join(differences[:10])


def test_the_cloud_engine_meets_the_ground_truth(twin: Twin) -> None:
    comparison = twin.truth.compare(read_findings(twin.cloud, RUN_ID))
    assert comparison.ok, "\n".join(str(m) for m in comparison.mismatches)


def test_both_summaries_agree_except_timing(twin: Twin) -> None:
    def summary(root: Path) -> dict[str, Any]:
        document: dict[str, Any] = json.loads((root / "runs" / RUN_ID / "summary.json").read_text())
        for volatile in ("duration", "created_at", "map_failures"):
            document.pop(volatile, None)
        return document

    assert summary(twin.cloud) == summary(twin.local)


def test_the_shared_layer_ships_every_library_module(twin: Twin) -> None:
    names = set(zipfile.ZipFile(io.BytesIO(twin.layer_zip)).namelist())
    modules = {
        f"python/orgsweep/{p.relative_to(PACKAGE).as_posix()}"
        for p in PACKAGE.rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert modules <= names, sorted(modules - names)[:10]


# The crashed handler publishes no metrics; Powertools warns about that, as it should.
@pytest.mark.filterwarnings("ignore:No application metrics to publish:UserWarning")
def test_a_cell_that_crashes_inside_the_execution_is_an_error_after_aggregate(hub: Hub, crash: Crash) -> None:
    assert crash.execution["status"] == "SUCCEEDED", crash.execution
    assert crash.errors == 1 and crash.failed_puts >= 1  # one Lambda failed, after botocore's retries of the PUT
    output = json.loads(crash.execution["output"])
    assert output["status_counts"] == {"error": 1, "ok": 3}

    coverage = _rows(crash.results, "coverage", (), run_id=CRASH_RUN_ID)
    crashed = [row for row in coverage if (row["account_id"], row["region"]) == crash.cell]
    assert [(row["check_id"], row["status"]) for row in crashed] == [("-", "error")]
    assert crashed[0]["api_calls"] is None  # unknown, not zero: the cell's own counts were lost with it
    others = [row for row in coverage if (row["account_id"], row["region"]) != crash.cell]
    assert len(others) == 3 * 16 and {row["status"] for row in others} == {"ok"}

    findings = read_findings(crash.results, CRASH_RUN_ID)
    assert all((f["account_id"], f["region"]) != crash.cell for f in findings)
    complete = [(a, r) for a in hub.fleet.account_ids for r in REGIONS if (a, r) != crash.cell]
    comparison = hub.truth.compare(findings, cells=complete)
    assert comparison.ok, "\n".join(str(m) for m in comparison.mismatches)


def test_every_call_of_both_executions_was_allowed_by_iam(hub: Hub, twin: Twin, crash: Crash) -> None:
    stats = hub.iam.stats
    assert not stats.denials, "\n".join(str(d) for d in stats.denials)
    # Plan, 4 + 4 cells (each dozens of calls), Aggregate x2, the local engine and the harness: all checked.
    assert stats.checked > 500, stats.summary()


PLAN_ACTION_REMOVED = "organizations:ListAccounts"


def test_a_role_missing_one_action_fails_the_run_with_the_error_naming_it(hub: Hub, twin: Twin, crash: Crash) -> None:
    """Proof that enforcement is on: without one action in the Plan role, Plan fails as it would on AWS."""
    iam = hub.admin.client("iam")
    role_name = next(r["RoleName"] for r in iam.list_roles()["Roles"] if "PlanStepPlanRole" in r["RoleName"])
    (policy_name,) = iam.list_role_policies(RoleName=role_name)["PolicyNames"]
    original = iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"]
    reduced = json.loads(json.dumps(original))
    for statement in reduced["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        statement["Action"] = [a for a in actions if a != PLAN_ACTION_REMOVED] or ["organizations:DescribeOrganization"]
    assert reduced != original
    iam.put_role_policy(RoleName=role_name, PolicyName=policy_name, PolicyDocument=json.dumps(reduced))
    hub.iam.reset_stats()
    try:
        execution = hub.execute(_document(hub.fleet, "e2e-denied"))
    finally:
        iam.put_role_policy(RoleName=role_name, PolicyName=policy_name, PolicyDocument=json.dumps(original))
    assert execution["status"] == "FAILED"
    assert execution["error"] == "PlanError"
    assert PLAN_ACTION_REMOVED in execution["cause"] and "AccessDenied" in execution["cause"]
    denied = [(d.principal.split(" ")[0], d.action) for d in hub.iam.stats.denials]
    assert denied == [(f"arn:aws:iam::123456789012:role/{role_name}", PLAN_ACTION_REMOVED)]
