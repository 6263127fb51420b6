"""`orgsweep doctor` over real HTTP: the CLI -> FaultProxy -> the embedded moto server.

The organization (nested OUs, 4 member accounts, the member role in each) is created in moto
once per module; every test gives the proxy the faults it needs — an SCP's explicit deny, the
plain AccessDenied of a missing role, a trust that requires an external id, a disabled region,
a service denied in one member, a throttled AssumeRole — and reads the doctor's table or JSON.
The --stack tests use a minimal CloudFormation stack with the hub's six outputs (a bucket, a
state machine with a Distributed Map, a topic), not the synthesized hub (which needs cdk synth).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from orgsweep.checks.policy import member_role_policy, member_role_trust_policy
from orgsweep_local.cli.app import run
from orgsweep_local.demo import HUB_ACCOUNT_ID, DemoServer, FleetSpec, scoped_environ
from orgsweep_local.demo.faults import FaultPlan, FaultProxy, FaultRule, Outcome, access_denied_message
from orgsweep_local.demo.org import create_organization, member_session
from orgsweep_local.demo.stepfunctions import executable_state_machines
from tests.functional.aws_fakes import zero_backoff

pytestmark = [pytest.mark.functional, pytest.mark.timeout(300)]

ROLE = "OrgSweepReadOnly"
CALLER = f"arn:aws:sts::{HUB_ACCOUNT_ID}:user/moto"
SCP_ARN = f"arn:aws:organizations::{HUB_ACCOUNT_ID}:policy/o-abcdefghij/service_control_policy/p-2kgnabcd"


@dataclass
class Org:
    server: DemoServer
    proxy: FaultProxy
    members: list[str]
    ou_ids: dict[str, str]

    def configure(self, plan: FaultPlan | None = None) -> None:
        self.proxy.configure(plan or FaultPlan())
        self.proxy.clear_records()


@pytest.fixture(scope="module")
def org() -> Iterator[Org]:
    with DemoServer() as server:
        hub = server.session()
        _, _, _, ou_ids, accounts = create_organization(hub, server.endpoint_url, FleetSpec(accounts=4))
        for account in accounts:
            iam = member_session(hub, server.endpoint_url, account.account_id).client(
                "iam", region_name="us-east-1", endpoint_url=server.endpoint_url)
            trust = json.dumps(member_role_trust_policy(HUB_ACCOUNT_ID))
            iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=trust)
            iam.put_role_policy(RoleName=ROLE, PolicyName="orgsweep", PolicyDocument=json.dumps(member_role_policy()))
        with FaultProxy(server.endpoint_url) as proxy, scoped_environ({"AWS_ENDPOINT_URL": proxy.endpoint_url}):
            yield Org(server, proxy, sorted(a.account_id for a in accounts), ou_ids)


@pytest.fixture(autouse=True)
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


def doctor(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(["doctor", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def report(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code, out, err = doctor(capsys, *argv, "--format", "json")
    assert not err.strip(), err
    document: dict[str, Any] = json.loads(out)
    assert document["summary"]["exit_code"] == code
    return code, document


def failures(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(r["check"], r["subject"], r["detail"]) for r in document["results"] if r["status"] == "FAIL"]


def rows(document: dict[str, Any], check: str, account: str | None = None) -> list[dict[str, Any]]:
    return [r for r in document["results"] if r["check"] == check and (account is None or r["account_id"] == account)]


def one(document: dict[str, Any], check: str, account: str | None = None) -> dict[str, Any]:
    (row,) = rows(document, check, account)
    return row


def assume_rule(account: str, code: str, message: str, *, status: int = 403, **match: str) -> FaultRule:
    return FaultRule(service="sts", action="AssumeRole", account_id=account, status=status, code=code,
                     message=message, **match)


def test_all_pass_table(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    org.configure()
    code, out, err = doctor(capsys, "--region", "us-east-1", "--region", "eu-west-1")
    assert code == 0, out + err
    for account in [*org.members, HUB_ACCOUNT_ID]:
        assert account in out
    assert "management account" in out and "FAIL" not in out.replace("0 FAIL", "")
    assert "0 FAIL: ready." in out


def test_all_pass_json(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    org.configure()
    code, document = report(capsys, "--region", "us-east-1")
    assert code == 0
    assert document["format"] == "orgsweep.doctor/1"
    assert one(document, "identity")["status"] == "PASS"
    organization = one(document, "organizations")
    assert organization["status"] == "PASS" and organization["data"]["role"] == "management"
    every = [*org.members, HUB_ACCOUNT_ID]  # the management account is an ACTIVE account too
    assert {r["account_id"] for r in rows(document, "member-role") if r["status"] == "PASS"} == set(every)
    assert all(r["status"] == "PASS" for r in rows(document, "regions"))
    # Not narrowed: the services are probed once, in the first account (by id) whose role passed.
    (probed,) = rows(document, "permissions")
    assert probed["status"] == "PASS" and probed["account_id"] == min(every)
    assert set(probed["data"]["services"]) == {"cloudwatch", "ec2", "eks", "elasticache", "elasticloadbalancing",
                                               "lambda", "rds", "tag"}
    assert document["summary"]["fail"] == 0 and document["summary"]["accounts_checked"] == len(every)
    # moto has no lambda:GetAccountSettings: the comparison is a warning, not a failure.
    concurrency = one(document, "lambda-concurrency")
    assert concurrency["status"] == "WARN" and concurrency["data"]["map_max_concurrency"] == 200


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    zero_backoff(monkeypatch)


def test_assume_role_failures_are_classified(org: Org, capsys: pytest.CaptureFixture[str], no_backoff: None) -> None:
    scp, missing, throttled, fine = org.members
    scp_message = access_denied_message(CALLER, "sts:AssumeRole", f"arn:aws:iam::{scp}:role/{ROLE}",
                                        explicit_deny_in="service control policy", policy_arn=SCP_ARN)
    plain = access_denied_message(CALLER, "sts:AssumeRole", f"arn:aws:iam::{missing}:role/{ROLE}")
    org.configure(FaultPlan(rules=(
        assume_rule(scp, "AccessDenied", scp_message),
        assume_rule(missing, "AccessDenied", plain),
        assume_rule(throttled, "Throttling", "Rate exceeded", status=400),
    )))
    code, document = report(capsys, "--account", scp, "--account", missing, "--account", throttled,
                            "--account", fine)
    assert code == 3
    denied_by_scp = one(document, "member-role", scp)
    assert denied_by_scp["status"] == "FAIL" and denied_by_scp["data"]["reason"] == "scp_denied"
    assert "p-2kgnabcd" in denied_by_scp["detail"] and denied_by_scp["data"]["policy_arn"] == SCP_ARN
    role_or_trust = one(document, "member-role", missing)
    assert role_or_trust["data"]["reason"] == "role_or_trust" and "AWS answers all three alike" in role_or_trust[
        "detail"]
    assert role_or_trust["data"]["aws_error"] == {"code": "AccessDenied", "message": plain}
    assert one(document, "member-role", throttled)["data"]["reason"] == "throttled"
    assert one(document, "member-role", fine)["status"] == "PASS"
    # A failed role stops that account's checks; the passing one is probed (--account narrows the run).
    assert {r["account_id"] for r in rows(document, "regions")} == {fine}
    assert one(document, "permissions", fine)["status"] == "PASS"
    assert document["summary"]["accounts_failed"] == sorted([scp, missing, throttled])
    attempts = [r for r in org.proxy.records() if r.action == "AssumeRole" and r.account_id == throttled]
    assert len(attempts) == 3 and all(r.outcome is Outcome.FAILED for r in attempts)  # the client's retries


def test_the_proxy_default_denial_reads_as_role_or_trust(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    denied = org.members[0]
    org.configure(FaultPlan(deny=frozenset({(denied, "sts")})))
    code, out, _ = doctor(capsys, "--account", denied)
    assert code == 3 and denied in out and "some accounts fail" in out
    code, document = report(capsys, "--account", denied)
    row = one(document, "member-role", denied)
    assert row["data"]["reason"] == "role_or_trust"
    assert "does not exist, its trust policy does not allow this caller, or it requires an external id" in row[
        "detail"]
    assert "orgsweep member-role-policy --trust" in row["fix"]


def test_external_id(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    requires, rejects = org.members[:2]
    org.configure(FaultPlan(rules=(
        # A trust with StringEquals sts:ExternalId = "right-id": every other call is refused alike.
        assume_rule(requires, "AccessDenied", access_denied_message(CALLER, "sts:AssumeRole", "r"),
                    body_lacks="ExternalId=right-id"),
        # A trust that refuses any external id: told apart by assuming again without one.
        assume_rule(rejects, "AccessDenied", access_denied_message(CALLER, "sts:AssumeRole", "r"),
                    body_contains="ExternalId="),
    )))
    code, document = report(capsys, "--account", requires, "--account", rejects, "--external-id", "wrong-id")
    assert code == 3
    mismatch = one(document, "member-role", requires)
    assert mismatch["data"]["reason"] == "role_or_trust"
    assert "sts:ExternalId condition does not match --external-id" in mismatch["detail"]
    assert "refused too" in mismatch["detail"] and mismatch["data"]["without_external_id"]["code"] == "AccessDenied"
    told_apart = one(document, "member-role", rejects)
    assert told_apart["data"]["reason"] == "external_id" and told_apart["data"]["without_external_id"] == "assumed"
    code, document = report(capsys, "--account", requires, "--external-id", "right-id")
    assert code == 0 and one(document, "member-role", requires)["status"] == "PASS"


def test_a_disabled_region_is_a_warning(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    # Only opt-in regions can be disabled on AWS: ap-east-1 (Hong Kong) is one; the others enabled it.
    opted_out = org.members[2]
    org.configure(FaultPlan(disabled_regions=frozenset({(opted_out, "ap-east-1")})))
    code, document = report(capsys, "--region", "us-east-1", "--region", "ap-east-1")
    assert code == 0
    row = one(document, "regions", opted_out)
    assert row["status"] == "WARN" and row["data"]["not_enabled"] == ["ap-east-1"]
    assert "region_disabled" in row["detail"]
    others = [r for r in rows(document, "regions") if r["account_id"] != opted_out]
    assert others and all(r["status"] == "PASS" for r in others)


def test_a_member_denied_one_service(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    member, scp_member = org.members[3], org.members[2]
    session = f"arn:aws:sts::{scp_member}:assumed-role/{ROLE}/orgsweep-doctor"
    scp = FaultRule(service="rds", account_id=scp_member, status=403, code="AccessDenied", message=(
        access_denied_message(session, "rds:DescribeDBInstances", "*", explicit_deny_in="service control policy")))
    org.configure(FaultPlan(deny=frozenset({(member, "elasticache")}), rules=(scp,)))
    code, out, _ = doctor(capsys, "--account", member)
    assert code == 3
    assert "elasticache:DescribeCacheClusters" in out and "member-role-policy" in out
    code, document = report(capsys, "--account", member)
    row = one(document, "permissions", member)
    assert row["status"] == "FAIL" and row["data"]["services"]["elasticache"]["status"] == "denied"
    assert all(s["status"] == "allowed" for name, s in row["data"]["services"].items() if name != "elasticache")
    code, document = report(capsys, "--account", scp_member)
    row = one(document, "permissions", scp_member)
    assert code == 3 and "rds:DescribeDBInstances" in row["detail"] and "service control policy" in row["detail"]
    assert "SCPs of this account" in row["fix"]


def test_sample_and_ou(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    org.configure()
    code, first = report(capsys, "--sample", "2")
    _, again = report(capsys, "--sample", "2")
    assert code == 0
    checked = first["summary"]["accounts_checked"]
    assert checked == 2 and one(first, "accounts")["data"] == one(again, "accounts")["data"]
    assert len(rows(first, "permissions")) == 2  # sampled: probed in each
    production = org.ou_ids["Workloads/Production"]  # prod-payments, prod-web (and Data below it, if seeded)
    code, document = report(capsys, "--ou", production)
    assert code == 0 and document["summary"]["accounts_checked"] == 2


def test_delegated_administrator(org: Org, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    member = org.members[0]
    org.configure()
    credentials = org.server.session().client("sts", endpoint_url=org.proxy.endpoint_url).assume_role(
        RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole", RoleSessionName="delegated")["Credentials"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", credentials["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", credentials["SecretAccessKey"])
    monkeypatch.setenv("AWS_SESSION_TOKEN", credentials["SessionToken"])
    _, document = report(capsys)
    organization = one(document, "organizations")
    assert organization["status"] == "PASS"
    assert organization["data"]["role"] == "delegated-admin" and "delegated administrator" in organization["detail"]
    assert HUB_ACCOUNT_ID in organization["detail"]  # names the management account it is not
    # (moto lists no accounts to a member account, so the member checks have nothing to do here.)
    org.configure(FaultPlan(rules=(FaultRule(service="organizations", action="ListAccounts", account_id=member,
                                             status=400, code="AccessDeniedException", message="denied"),)))
    code, document = report(capsys)
    assert code == 1
    organization = one(document, "organizations")
    assert organization["status"] == "FAIL" and "neither the management account" in organization["detail"]
    assert not rows(document, "member-role")  # no account list, no --account: nothing to check


def _hub_template(max_concurrency: int) -> dict[str, Any]:
    definition = {"StartAt": "Sweep", "States": {"Sweep": {
        "Type": "Map", "MaxConcurrency": max_concurrency, "End": True,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": "Cell", "States": {"Cell": {"Type": "Pass", "End": True}}},
    }}}
    return {
        "Resources": {
            "Results": {"Type": "AWS::S3::Bucket"},
            "Alarms": {"Type": "AWS::SNS::Topic"},
            "Workflow": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
                "RoleArn": f"arn:aws:iam::{HUB_ACCOUNT_ID}:role/orgsweep-workflow",
                "DefinitionString": json.dumps(definition)}},
        },
        "Outputs": {
            "StateMachineArn": {"Value": {"Ref": "Workflow"}},
            "ResultsBucketName": {"Value": {"Ref": "Results"}},
            "ScanRoleArn": {"Value": f"arn:aws:iam::{HUB_ACCOUNT_ID}:role/orgsweep-scan-cell"},
            "AthenaWorkGroup": {"Value": "orgsweep"},
            "GlueDatabase": {"Value": "orgsweep"},
            "AlarmTopicArn": {"Value": {"Ref": "Alarms"}},
        },
    }


def _create_stack(org: Org, name: str, template: dict[str, Any]) -> None:
    cloudformation = org.server.session().client("cloudformation", endpoint_url=org.server.endpoint_url)
    # As `orgsweep demo --engine stepfunctions` deploys the hub: CloudFormation's state machine must land
    # in the Step Functions backend the API serves (TESTING-NOTES).
    with executable_state_machines():
        cloudformation.create_stack(StackName=name, TemplateBody=json.dumps(template))
        status = "CREATE_IN_PROGRESS"
        while status.endswith("_IN_PROGRESS"):
            status = cloudformation.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
    assert status == "CREATE_COMPLETE"


def test_stack(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    org.configure()
    _create_stack(org, "OrgSweepDoctorHub", _hub_template(5000))
    member = org.members[0]
    code, document = report(capsys, "--stack", "OrgSweepDoctorHub", "--account", member)
    assert code == 0, failures(document)
    for check in ("stack", "stack-outputs", "results-bucket", "state-machine"):
        assert one(document, check)["status"] == "PASS", one(document, check)
    assert ":stateMachine:" in one(document, "state-machine")["subject"]
    concurrency = one(document, "lambda-concurrency")
    assert concurrency["data"]["map_max_concurrency"] == 5000  # read from the deployed definition
    assert "5000" in concurrency["detail"]

    broken = {"Resources": {"Alarms": {"Type": "AWS::SNS::Topic"}},
              "Outputs": {"ResultsBucketName": {"Value": "no-such-results-bucket"}}}
    _create_stack(org, "NotTheHub", broken)
    code, document = report(capsys, "--stack", "NotTheHub", "--account", member)
    assert code == 1
    assert one(document, "stack")["status"] == "PASS"
    assert "StateMachineArn" in one(document, "stack-outputs")["detail"]
    assert one(document, "results-bucket")["status"] == "FAIL"
    code, document = report(capsys, "--stack", "NoSuchStack", "--account", member)
    assert code == 1 and "no stack NoSuchStack" in one(document, "stack")["detail"]


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["--account", "1234"], "--account"),
        (["--region", "mars-north-1x"], "--region"),
        (["--ou", "root"], "--ou"),
        (["--sample", "0"], "--sample"),
        (["--sample", "many"], "--sample"),
        (["--role-name", "bad role"], "--role-name"),
    ],
)
def test_bad_input_is_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], problem: str) -> None:
    code, out, err = doctor(capsys, *argv)
    assert code == 2 and not out.strip()
    (line,) = err.strip().splitlines()
    assert line.startswith("error: ") and problem in line


def test_an_ou_that_does_not_exist_is_exit_2(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    org.configure()
    code, out, err = doctor(capsys, "--ou", "ou-abcd-12345678")
    (line,) = err.strip().splitlines()
    assert code == 2 and not out.strip()
    assert "--ou" in line and "ou-abcd-12345678" in line and "does not exist" in line


def test_unreachable_endpoint_is_exit_1(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # discard port: nothing listens
    code, document = report(capsys)
    assert code == 1
    identity = one(document, "identity")
    assert identity["status"] == "FAIL" and "EndpointConnectionError" in identity["detail"]
    assert len(document["results"]) == 1


def test_no_credentials_is_exit_1(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance-metadata look-up either
    code, out, _ = doctor(capsys)
    assert code == 1 and "no AWS credentials found" in out and "1 FAIL: fix the FAIL rows above first." in out


def test_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = doctor(capsys, "--help")
    assert code == 0 and "Exit codes" in out and "some accounts fail" in out and "--sample" in out
