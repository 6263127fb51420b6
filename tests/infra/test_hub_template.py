"""Hub resources as synthesized: IAM scope of each step, bucket, functions, schedule, alarms, Athena."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from infra.constructs.plan_step import ORGANIZATIONS_ACTIONS
from infra.paths import QUERIES_DIR
from infra.settings import Settings
from orgsweep.tables.queries import list_named_queries
from orgsweep.tables.schemas import TABLES
from tests.infra.templates import (
    function_by_service,
    grants,
    layer_versions,
    one,
    placeholder,
    resolve,
    resources,
    role_of,
)

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("cdk")]

NO_CONDITION = "{}"
XRAY = {("xray:PutTraceSegments", "*", NO_CONDITION), ("xray:PutTelemetryRecords", "*", NO_CONDITION)}


def _results_bucket(hub: dict[str, Any]) -> str:
    buckets = resources(hub, "AWS::S3::Bucket")
    (bucket_id,) = [k for k, v in buckets.items() if "LoggingConfiguration" in v["Properties"]]
    return bucket_id


def _objects(hub: dict[str, Any], pattern: str) -> str:
    return f"{placeholder(hub, _results_bucket(hub), 'Arn')}/{pattern}"


def _own_logs(hub: dict[str, Any], function: dict[str, Any]) -> set[tuple[str, str, str]]:
    log_group = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
    arn = placeholder(hub, log_group, "Arn")
    return {("logs:CreateLogStream", arn, NO_CONDITION), ("logs:PutLogEvents", arn, NO_CONDITION)}


def _step(hub: dict[str, Any], service: str) -> tuple[dict[str, Any], str]:
    _, function = function_by_service(hub, service)
    return function, role_of(function)


def test_plan_may_only_read_the_org_and_list_read_write_manifests(hub: dict[str, Any]) -> None:
    function, role = _step(hub, "orgsweep-plan")
    expected = {(action, "*", NO_CONDITION) for action in (*ORGANIZATIONS_ACTIONS, "ec2:DescribeRegions")}
    # re-planning a run reads its run.json; it lists first (S3 hides a missing key from non-listers)
    expected |= {(action, _objects(hub, "manifests/*"), NO_CONDITION) for action in ("s3:GetObject", "s3:PutObject")}
    prefix = json.dumps({"StringLike": {"s3:prefix": ["manifests/*"]}}, sort_keys=True)
    expected |= {("s3:ListBucket", placeholder(hub, _results_bucket(hub), "Arn"), prefix)}
    assert grants(hub, role) == expected | XRAY | _own_logs(hub, function)
    assert set(ORGANIZATIONS_ACTIONS) == {
        "organizations:ListAccounts",
        "organizations:ListAccountsForParent",
        "organizations:ListChildren",
        "organizations:ListOrganizationalUnitsForParent",
        "organizations:DescribeOrganization",
        "organizations:ListRoots",
    }


def test_scan_cell_may_only_assume_the_member_role_and_write_raw(hub: dict[str, Any], settings: Settings) -> None:
    function, role = _step(hub, "orgsweep-scan-cell")
    condition = (
        json.dumps({"StringEquals": {"aws:ResourceOrgID": settings.organization_id}}, sort_keys=True)
        if settings.organization_id
        else NO_CONDITION
    )
    expected = {
        ("sts:AssumeRole", f"arn:aws:iam::*:role/{settings.member_role_name}", condition),
        ("s3:PutObject", _objects(hub, "raw/*"), NO_CONDITION),
    }
    assert grants(hub, role) == expected | XRAY | _own_logs(hub, function)
    assert hub["Resources"][role]["Properties"]["RoleName"] == settings.scan_role_name


def test_aggregate_reads_run_data_and_writes_tables_and_runs(hub: dict[str, Any]) -> None:
    function, role = _step(hub, "orgsweep-aggregate")
    bucket_arn = placeholder(hub, _results_bucket(hub), "Arn")
    prefixes = json.dumps({"StringLike": {"s3:prefix": ["raw/*", "results/*", "manifests/*"]}}, sort_keys=True)
    expected = {("s3:GetObject", _objects(hub, p), NO_CONDITION) for p in ("raw/*", "results/*", "manifests/*")}
    expected |= {("s3:ListBucket", bucket_arn, prefixes)}
    expected |= {
        (action, _objects(hub, p), NO_CONDITION)
        for action in ("s3:PutObject", "s3:AbortMultipartUpload")
        for p in ("tables/*", "runs/*")
    }
    assert grants(hub, role) == expected | XRAY | _own_logs(hub, function)


def test_step_roles_have_no_managed_policies(hub: dict[str, Any]) -> None:
    for service in ("orgsweep-plan", "orgsweep-scan-cell", "orgsweep-aggregate"):
        _, role = _step(hub, service)
        assert "ManagedPolicyArns" not in hub["Resources"][role]["Properties"], service


@pytest.mark.parametrize("service", ["orgsweep-plan", "orgsweep-scan-cell", "orgsweep-aggregate"])
def test_functions_share_runtime_layers_tracing_and_logging(
    hub: dict[str, Any], settings: Settings, service: str
) -> None:
    _, function = function_by_service(hub, service)
    props = function["Properties"]
    assert props["Runtime"] == "python3.12"
    assert props["Architectures"] == ["arm64"]
    assert props["Handler"] == "handler.handler"
    assert props["TracingConfig"] == {"Mode": "Active"}
    name = service.removeprefix("orgsweep-").replace("-", "_")
    assert props["MemorySize"] == getattr(settings, f"{name}_memory_mb")
    assert props["Timeout"] == getattr(settings, f"{name}_timeout_s")
    log_group = hub["Resources"][props["LoggingConfig"]["LogGroup"]["Ref"]]
    assert log_group["Properties"]["RetentionInDays"] == settings.log_retention_days

    env = props["Environment"]["Variables"]
    assert env["ORGSWEEP_BUCKET"] == {"Ref": _results_bucket(hub)}
    assert env["ORGSWEEP_PREFIX"] == ""
    assert env["POWERTOOLS_SERVICE_NAME"] == service
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == "OrgSweep"
    assert env["LOG_LEVEL"] == settings.log_level
    assert ("ORGSWEEP_DEFAULTS" in env) == (service == "orgsweep-plan")
    assert ("ORGSWEEP_DEPLOYED_ACCESS" in env) == (service == "orgsweep-plan")

    by_id = {logical_id: name for name, logical_id in layer_versions(hub).items()}
    layers = {by_id[layer["Ref"]] for layer in props["Layers"]}  # CDK orders them; their files never overlap
    assert layers == {"Shared", "Dependencies", *(["Arrow"] if service == "orgsweep-aggregate" else [])}


def test_plan_gets_the_run_defaults_from_settings(hub: dict[str, Any], settings: Settings) -> None:
    _, function = function_by_service(hub, "orgsweep-plan")
    defaults = json.loads(function["Properties"]["Environment"]["Variables"]["ORGSWEEP_DEFAULTS"])
    assert defaults == settings.run_defaults()


@pytest.mark.parametrize("which", ["hub", "hub_all_options"])
def test_plan_knows_what_the_deployed_roles_accept(which: str, request: pytest.FixtureRequest) -> None:
    from orgsweep.pipeline.deployed import DeployedAccess

    template = request.getfixturevalue(which)
    _, function = function_by_service(template, "orgsweep-plan")
    value = function["Properties"]["Environment"]["Variables"]["ORGSWEEP_DEPLOYED_ACCESS"]
    # the partition is the stack's, filled in at deploy time
    assert {"Ref": "AWS::Partition"} in value["Fn::Join"][1]
    deployed = DeployedAccess.from_json(resolve(template, value))
    _, scan = function_by_service(template, "orgsweep-scan-cell")
    (assume,) = [g for g in grants(template, role_of(scan)) if g[0] == "sts:AssumeRole"]
    defaults = json.loads(function["Properties"]["Environment"]["Variables"]["ORGSWEEP_DEFAULTS"])
    assert deployed is not None
    assert deployed.assumable_roles == assume[1]  # exactly the Resource of the scan role's AssumeRole
    assert deployed.member_role_name == defaults["role_name"]
    assert deployed.external_id == defaults["external_id"]
    assert (deployed.external_id is not None) == (which == "hub_all_options")
    # and the member role built from the same settings demands exactly that external id
    from infra.stacks.member_role_stack import member_template
    from tests.infra.conftest import ALL_OPTIONS

    settings = Settings.from_context(ALL_OPTIONS) if which == "hub_all_options" else request.getfixturevalue("settings")
    (trust,) = one(member_template(settings), "AWS::IAM::Role")[1]["Properties"]["AssumeRolePolicyDocument"][
        "Statement"
    ]
    assert trust["Condition"].get("StringEquals", {}).get("sts:ExternalId") == deployed.external_id


def test_every_layer_is_python312_arm64(hub: dict[str, Any]) -> None:
    layers = resources(hub, "AWS::Lambda::LayerVersion")
    assert len(layers) == 3
    for layer in layers.values():
        assert layer["Properties"]["CompatibleRuntimes"] == ["python3.12"]
        assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]


def test_the_results_bucket_is_private_encrypted_versioned_logged_and_expiring(
    hub: dict[str, Any], settings: Settings
) -> None:
    bucket_id = _results_bucket(hub)
    props = hub["Resources"][bucket_id]["Properties"]
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"] == [
        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    ]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    logs_target = props["LoggingConfiguration"]["DestinationBucketName"]["Ref"]
    assert logs_target != bucket_id and hub["Resources"][logs_target]["Type"] == "AWS::S3::Bucket"
    rules = props["LifecycleConfiguration"]["Rules"]
    expiring = {r["Prefix"]: r["ExpirationInDays"] for r in rules if "Prefix" in r}
    assert expiring["raw/"] == expiring["results/"] == expiring["manifests/"] == settings.results_retention_days
    assert not any(p.startswith(("tables/", "runs/")) for p in expiring)
    assert any(r.get("NoncurrentVersionExpiration") for r in rules)


def test_both_buckets_deny_requests_without_tls(hub: dict[str, Any]) -> None:
    policies = resources(hub, "AWS::S3::BucketPolicy")
    assert {p["Properties"]["Bucket"]["Ref"] for p in policies.values()} == set(resources(hub, "AWS::S3::Bucket"))
    for policy in policies.values():
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        assert any(
            s["Effect"] == "Deny"
            and s["Action"] == "s3:*"
            and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
            for s in statements
        )


def test_the_schedule_starts_the_machine_with_a_dead_letter_queue(hub: dict[str, Any], settings: Settings) -> None:
    machine_id, _ = one(hub, "AWS::StepFunctions::StateMachine")
    queue_id, queue = one(hub, "AWS::SQS::Queue")
    _, schedule = one(hub, "AWS::Scheduler::Schedule")
    props = schedule["Properties"]
    assert props["ScheduleExpression"] == settings.schedule_expression
    assert props["ScheduleExpressionTimezone"] == settings.schedule_timezone
    assert props["State"] == ("ENABLED" if settings.schedule_enabled else "DISABLED")
    target = props["Target"]
    assert target["Arn"] == {"Ref": machine_id}
    assert target["Input"] == "{}"
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [queue_id, "Arn"]}}
    assert target["RetryPolicy"]["MaximumRetryAttempts"] > 0
    assert queue["Properties"]["SqsManagedSseEnabled"] is True
    scheduler_role = target["RoleArn"]["Fn::GetAtt"][0]
    assert grants(hub, scheduler_role) == {
        ("states:StartExecution", f"{machine_id}", NO_CONDITION),
        ("sqs:SendMessage", f"{queue_id}.Arn", NO_CONDITION),
    }
    Template.from_json(hub).has_resource_properties(
        "AWS::SQS::QueuePolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})]
                )
            }
        },
    )


def test_alarms_watch_failed_and_timed_out_executions(hub: dict[str, Any], settings: Settings) -> None:
    machine_id, _ = one(hub, "AWS::StepFunctions::StateMachine")
    topic_id, topic = one(hub, "AWS::SNS::Topic")
    assert "KmsMasterKeyId" in topic["Properties"]
    alarms = {a["Properties"]["MetricName"]: a["Properties"] for a in resources(hub, "AWS::CloudWatch::Alarm").values()}
    for metric in ("ExecutionsFailed", "ExecutionsTimedOut"):
        alarm = alarms[metric]
        assert alarm["Namespace"] == "AWS/States"
        assert alarm["Dimensions"] == [{"Name": "StateMachineArn", "Value": {"Ref": machine_id}}]
        assert alarm["AlarmActions"] == [{"Ref": topic_id}]
        assert alarm["Threshold"] == 1
    subscriptions = resources(hub, "AWS::SNS::Subscription")
    assert len(subscriptions) == (1 if settings.alarm_email else 0)
    Template.from_json(hub).has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})]
                )
            }
        },
    )


def test_glue_tables_have_the_schema_columns_and_date_projection(hub: dict[str, Any], settings: Settings) -> None:
    glue_tables = resources(hub, "AWS::Glue::Table").values()
    tables = {t["Properties"]["TableInput"]["Name"]: t["Properties"] for t in glue_tables}
    assert set(tables) == {schema.name for schema in TABLES}
    bucket = _results_bucket(hub)
    for schema in TABLES:
        props = tables[schema.name]
        assert props["DatabaseName"] == settings.athena_database
        table = props["TableInput"]
        columns = [{"Name": c["name"], "Type": c["type"], "Comment": c["comment"]} for c in schema.glue_columns()]
        assert table["StorageDescriptor"]["Columns"] == columns
        assert [k["Name"] for k in table["PartitionKeys"]] == ["dt"]
        parameters = table["Parameters"]
        assert parameters["projection.enabled"] == "true"
        assert parameters["projection.dt.type"] == "date"
        assert parameters["projection.dt.format"] == "yyyy-MM-dd"
        template = parameters["storage.location.template"]["Fn::Join"][1]
        assert template == ["s3://", {"Ref": bucket}, f"/tables/{schema.name}/dt=${{dt}}/"]
        assert "Parquet" in table["StorageDescriptor"]["InputFormat"]


def test_the_athena_workgroup_is_enforced_encrypted_and_capped(hub: dict[str, Any], settings: Settings) -> None:
    _, workgroup = one(hub, "AWS::Athena::WorkGroup")
    props = workgroup["Properties"]
    assert props["Name"] == settings.athena_workgroup
    config = props["WorkGroupConfiguration"]
    assert config["EnforceWorkGroupConfiguration"] is True
    assert config["BytesScannedCutoffPerQuery"] == settings.athena_bytes_scanned_cutoff
    result = config["ResultConfiguration"]
    assert result["EncryptionConfiguration"] == {"EncryptionOption": "SSE_S3"}
    assert result["OutputLocation"]["Fn::Join"][1] == ["s3://", {"Ref": _results_bucket(hub)}, "/athena-results/"]


def test_every_query_file_is_a_named_query_of_the_workgroup(hub: dict[str, Any], settings: Settings) -> None:
    workgroup_id, _ = one(hub, "AWS::Athena::WorkGroup")
    named = {q["Properties"]["Name"]: q["Properties"] for q in resources(hub, "AWS::Athena::NamedQuery").values()}
    files = list_named_queries(QUERIES_DIR) if QUERIES_DIR.is_dir() else []
    assert set(named) == {q.name for q in files}
    for query in files:
        props = named[query.name]
        assert props["QueryString"] == query.sql
        assert props["Description"] == query.description
        assert props["Database"] == settings.athena_database
        assert props["WorkGroup"] == {"Ref": workgroup_id}


def test_no_member_stackset_unless_asked(hub: dict[str, Any], settings: Settings) -> None:
    assert len(resources(hub, "AWS::CloudFormation::StackSet")) == (1 if settings.deploy_member_stackset else 0)
