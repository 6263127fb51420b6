"""assume_role_session against moto: cross-account isolation, request parameters, errors."""

from __future__ import annotations

import pickle
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from orgsweep.aws import AssumeRoleError, assume_role_session, error_code
from tests.functional.aws_fakes import canned_response, sts_error_xml, zero_backoff

pytestmark = pytest.mark.functional

ACCOUNT_A = "111111111111"
ACCOUNT_B = "222222222222"
REGION = "eu-west-1"


@pytest.fixture
def backoff_delays(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    return zero_backoff(monkeypatch)


@pytest.fixture
def base(aws: None) -> boto3.Session:
    return boto3.Session(region_name="us-east-1")


class _AssumeRoleCapture:
    """Records AssumeRole's parameters (provide-client-params) and the URL it went to (before-send)."""

    def __init__(self, session: boto3.Session) -> None:
        self.params: list[dict[str, Any]] = []
        self.urls: list[str] = []
        session.events.register("provide-client-params.sts.AssumeRole", self._params)
        session.events.register("before-send.sts.AssumeRole", self._url)

    def _params(self, params: dict[str, Any], **kwargs: Any) -> None:
        self.params.append(dict(params))

    def _url(self, request: Any, **kwargs: Any) -> None:
        self.urls.append(request.url)


def test_assumed_session_acts_in_the_target_account_only(base: boto3.Session) -> None:
    session_a = assume_role_session(base, ACCOUNT_A, "OrgSweepScan", run_id="r1", region=REGION)
    session_b = assume_role_session(base, ACCOUNT_B, "OrgSweepScan", run_id="r1", region=REGION)
    assert session_a.region_name == REGION

    identity = session_a.client("sts").get_caller_identity()
    assert identity["Account"] == ACCOUNT_A
    assert identity["Arn"] == f"arn:aws:sts::{ACCOUNT_A}:assumed-role/OrgSweepScan/orgsweep-r1"

    volume = session_a.client("ec2").create_volume(Size=1, AvailabilityZone=f"{REGION}a")
    seen_by_a = [v["VolumeId"] for v in session_a.client("ec2").describe_volumes()["Volumes"]]
    seen_by_b = [v["VolumeId"] for v in session_b.client("ec2").describe_volumes()["Volumes"]]
    assert seen_by_a == [volume["VolumeId"]]
    assert seen_by_b == []


def test_role_arn_external_id_session_name_and_duration_are_sent(base: boto3.Session) -> None:
    capture = _AssumeRoleCapture(base)
    assume_role_session(
        base,
        ACCOUNT_A,
        f"arn:aws:iam::{ACCOUNT_A}:role/scan/OrgSweepScan",
        run_id="2026-01-15T12:00:00Z/run 7",
        region=REGION,
        external_id="ext-123",
        duration_seconds=900,
    )
    assume_role_session(base, ACCOUNT_B, "OrgSweepScan", run_id="x" * 100, region=REGION)

    first, second = capture.params
    assert first == {
        "RoleArn": f"arn:aws:iam::{ACCOUNT_A}:role/scan/OrgSweepScan",
        "RoleSessionName": "orgsweep-2026-01-15T12-00-00Z-run-7",
        "DurationSeconds": 900,
        "ExternalId": "ext-123",
    }
    assert second["RoleArn"] == f"arn:aws:iam::{ACCOUNT_B}:role/OrgSweepScan"
    assert second["RoleSessionName"] == ("orgsweep-" + "x" * 100)[:64]
    assert "ExternalId" not in second


def test_assume_role_uses_the_regional_sts_endpoint(base: boto3.Session) -> None:
    capture = _AssumeRoleCapture(base)
    assume_role_session(base, ACCOUNT_A, "OrgSweepScan", run_id="r1", region=REGION)
    assume_role_session(base, ACCOUNT_A, "OrgSweepScan", run_id="r1", region="us-east-1")
    assert capture.urls == ["https://sts.eu-west-1.amazonaws.com/", "https://sts.us-east-1.amazonaws.com/"]


def test_regional_endpoint_even_when_the_base_session_says_legacy(base: boto3.Session) -> None:
    base._session.set_config_variable("sts_regional_endpoints", "legacy")
    assert base.client("sts", region_name="us-east-1").meta.endpoint_url == "https://sts.amazonaws.com"
    capture = _AssumeRoleCapture(base)
    assume_role_session(base, ACCOUNT_A, "OrgSweepScan", run_id="r1", region="us-east-1")
    assert capture.urls == ["https://sts.us-east-1.amazonaws.com/"]


def test_sts_error_becomes_assume_role_error_with_the_aws_code(base: boto3.Session) -> None:
    def deny(request: Any, **kwargs: Any) -> Any:
        message = f"User is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::{ACCOUNT_A}:role/X"
        return canned_response(request.url, 403, sts_error_xml("AccessDenied", message))

    base.events.register_first("before-send.sts.AssumeRole", deny)
    with pytest.raises(AssumeRoleError) as caught:
        assume_role_session(base, ACCOUNT_A, "X", run_id="r1", region=REGION)

    error = caught.value
    assert error.code == "AccessDenied"
    assert error_code(error) == "AccessDenied"
    assert "not authorized to perform: sts:AssumeRole" in error.message
    assert error.account_id == ACCOUNT_A
    assert error.role_arn == f"arn:aws:iam::{ACCOUNT_A}:role/X"
    assert isinstance(error.__cause__, ClientError)
    assert ACCOUNT_A in str(error) and "AccessDenied" in str(error)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.message, copy.account_id, copy.role_arn) == (
        error.code,
        error.message,
        error.account_id,
        error.role_arn,
    )


def test_connection_failure_becomes_assume_role_error_named_after_it(
    base: boto3.Session, backoff_delays: list[float]
) -> None:
    def unreachable(request: Any, **kwargs: Any) -> Any:
        raise EndpointConnectionError(endpoint_url=request.url)

    base.events.register_first("before-send.sts.AssumeRole", unreachable)
    with pytest.raises(AssumeRoleError) as caught:
        assume_role_session(base, ACCOUNT_A, "OrgSweepScan", run_id="r1", region=REGION)
    assert caught.value.code == "EndpointConnectionError"
    assert "sts.eu-west-1.amazonaws.com" in caught.value.message
    assert len(backoff_delays) == 2  # retried like any transient error before giving up


def test_missing_credentials_become_assume_role_error(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance-metadata lookup
    with pytest.raises(AssumeRoleError) as caught:
        assume_role_session(boto3.Session(), ACCOUNT_A, "OrgSweepScan", run_id="r1", region=REGION)
    assert caught.value.code == "NoCredentialsError"


@pytest.mark.parametrize(
    ("account_id", "role", "fragment"),
    [
        ("12345", "OrgSweepScan", "12 digits"),
        (ACCOUNT_A, "bad role!", "invalid IAM role name"),
        (ACCOUNT_A, f"arn:aws:iam::{ACCOUNT_B}:role/OrgSweepScan", "not in 111111111111"),
    ],
)
def test_bad_account_or_role_fails_before_calling_sts(
    base: boto3.Session, account_id: str, role: str, fragment: str
) -> None:
    capture = _AssumeRoleCapture(base)
    with pytest.raises(AssumeRoleError, match=fragment) as caught:
        assume_role_session(base, account_id, role, run_id="r1", region=REGION)
    assert caught.value.code == "ValidationError"
    assert capture.params == []


def test_assumed_sessions_share_the_base_model_loader(base: boto3.Session) -> None:
    loader = base._session.get_component("data_loader")
    paths_before = list(loader.search_paths)
    sessions = [assume_role_session(base, ACCOUNT_A, "OrgSweepScan", run_id=str(i), region=REGION) for i in range(3)]
    for session in sessions:
        assert session._session.get_component("data_loader") is loader
    assert loader.search_paths == paths_before  # boto3 did not append its data path again
