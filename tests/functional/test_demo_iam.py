"""The IAM enforcement of the embedded moto server checks what AWS checks (orgsweep_local.demo.iam).

Each test makes a role from a policy, takes its credentials as Lambda would, and calls moto
over HTTP: the allowed call passes, the one the policy lacks is refused and recorded, a
missing S3 key is 403 unless the role may list the bucket unconditionally (AWS's rule), and
CloudWatch and the tagging API are judged by their IAM prefixes, not their signing names.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from orgsweep.pipeline.manifest import read_run_metadata
from orgsweep.storage import S3Storage
from orgsweep.storage.exceptions import StorageError
from orgsweep_local.demo import DemoServer
from orgsweep_local.demo.iam import IamEnforcement

pytestmark = [pytest.mark.functional, pytest.mark.timeout(120)]

BUCKET = "results"
TRUST = json.dumps({"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                   "Action": "sts:AssumeRole"}]})


@pytest.fixture(scope="module")
def enforced() -> Iterator[tuple[DemoServer, IamEnforcement, Any]]:
    with DemoServer(execute_state_machines=False) as server, IamEnforcement(server) as iam:
        admin = iam.admin_session()
        admin.client("s3", endpoint_url=server.endpoint_url).create_bucket(Bucket=BUCKET)
        admin.client("s3", endpoint_url=server.endpoint_url).put_object(Bucket=BUCKET, Key="manifests/r1/run.json",
                                                                        Body=b"{}")
        iam.enforce()
        yield server, iam, admin


def _role(enforced: tuple[DemoServer, IamEnforcement, Any], name: str, *statements: dict[str, Any]) -> Any:
    """A session with the credentials of a new role allowed `statements` (as Lambda hands them out)."""
    server, iam, admin = enforced
    client = admin.client("iam", endpoint_url=server.endpoint_url)
    arn = client.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    client.put_role_policy(RoleName=name, PolicyName="p",
                           PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))
    credentials = iam.role_credentials(arn, name)
    return boto3.Session(aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
                         aws_secret_access_key=credentials["AWS_SECRET_ACCESS_KEY"],
                         aws_session_token=credentials["AWS_SESSION_TOKEN"], region_name="us-east-1")


def _allow(actions: list[str], resources: list[str], **condition: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": actions, "Resource": resources}
    if condition:
        statement["Condition"] = condition
    return statement


def _code(call: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call()
    return str(caught.value.response["Error"]["Code"])


def test_a_role_may_do_what_its_policy_allows_and_nothing_else(enforced: Any) -> None:
    server, iam, _ = enforced
    session = _role(enforced, "writer", _allow(["s3:PutObject"], [f"arn:aws:s3:::{BUCKET}/manifests/*"]))
    s3 = session.client("s3", endpoint_url=server.endpoint_url)
    iam.reset_stats()
    s3.put_object(Bucket=BUCKET, Key="manifests/r2/cells.json", Body=b"[]")
    assert _code(lambda: s3.put_object(Bucket=BUCKET, Key="raw/r2/x.json.gz", Body=b"")) == "AccessDenied"
    assert _code(lambda: s3.get_object(Bucket=BUCKET, Key="manifests/r1/run.json")) == "AccessDenied"
    stats = iam.stats
    assert stats.checked == 3
    assert [(d.principal.split(" ")[0], d.action) for d in stats.denials] == [
        ("arn:aws:iam::123456789012:role/writer", "s3:PutObject"),
        ("arn:aws:iam::123456789012:role/writer", "s3:GetObject"),
    ]


def test_an_unknown_access_key_is_refused(enforced: Any) -> None:
    server, _, _ = enforced
    stranger = boto3.Session(aws_access_key_id="AKIAUNKNOWN000000000", aws_secret_access_key="x",
                             region_name="us-east-1")
    assert _code(lambda: stranger.client("sts", endpoint_url=server.endpoint_url).get_caller_identity()) in (
        "InvalidClientTokenId", "403")


def test_a_missing_key_is_403_unless_the_role_may_list_the_bucket_without_conditions(enforced: Any) -> None:
    server, _, _ = enforced
    objects = f"arn:aws:s3:::{BUCKET}/manifests/*"
    scoped = _role(enforced, "scoped-lister", _allow(["s3:GetObject"], [objects]),
                   _allow(["s3:ListBucket"], [f"arn:aws:s3:::{BUCKET}"], StringLike={"s3:prefix": ["manifests/*"]}))
    lister = _role(enforced, "lister", _allow(["s3:GetObject"], [objects]),
                   _allow(["s3:ListBucket"], [f"arn:aws:s3:::{BUCKET}"]))
    missing = "manifests/r9/run.json"
    assert _code(lambda: scoped.client("s3", endpoint_url=server.endpoint_url).get_object(
        Bucket=BUCKET, Key=missing)) == "AccessDenied"
    assert _code(lambda: lister.client("s3", endpoint_url=server.endpoint_url).get_object(
        Bucket=BUCKET, Key=missing)) == "NoSuchKey"


def test_plan_reads_run_metadata_with_a_prefix_scoped_listing(enforced: Any) -> None:
    """The Plan role's grants (GetObject + ListBucket scoped to manifests/) suffice for a new and a re-planned run."""
    server, _, _ = enforced
    session = _role(enforced, "planner",
                    _allow(["s3:GetObject", "s3:PutObject"], [f"arn:aws:s3:::{BUCKET}/manifests/*"]),
                    _allow(["s3:ListBucket"], [f"arn:aws:s3:::{BUCKET}"], StringLike={"s3:prefix": ["manifests/*"]}))
    storage = S3Storage(session.client("s3", endpoint_url=server.endpoint_url), BUCKET)
    assert read_run_metadata(storage, "never-planned") is None
    with pytest.raises(StorageError, match="AccessDenied"):  # what a blind read of a missing key gets on AWS
        storage.get_bytes("manifests/never-planned/run.json")


def test_cloudwatch_and_tagging_are_judged_by_their_iam_prefixes(enforced: Any) -> None:
    server, iam, _ = enforced
    session = _role(enforced, "metrics-reader", _allow(["cloudwatch:GetMetricData", "tag:GetResources"], ["*"]))
    iam.reset_stats()
    metric = {"Namespace": "AWS/EC2", "MetricName": "CPUUtilization"}
    session.client("cloudwatch", endpoint_url=server.endpoint_url).get_metric_data(
        MetricDataQueries=[{"Id": "q", "MetricStat": {"Metric": metric, "Period": 300, "Stat": "Average"}}],
        StartTime="2026-12-01T00:00:00Z",
        EndTime="2026-12-02T00:00:00Z",
    )
    session.client("resourcegroupstaggingapi", endpoint_url=server.endpoint_url).get_resources()
    # (moto answers CloudWatch's JSON protocol with an XML error body: botocore sees only the status)
    assert _code(lambda: session.client("cloudwatch", endpoint_url=server.endpoint_url).list_metrics()) in (
        "AccessDenied", "403")
    stats = iam.stats
    assert stats.checked == 3 and [d.action for d in stats.denials] == ["cloudwatch:ListMetrics"]
