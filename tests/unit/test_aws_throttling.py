"""Error-code classification of orgsweep.aws.throttling."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from botocore.retries.standard import ThrottledRetryableChecker

from orgsweep.aws import (
    ACCESS_DENIED_ERROR_CODES,
    REGION_DISABLED_ERROR_CODES,
    THROTTLING_ERROR_CODES,
    AssumeRoleError,
    error_code,
    is_access_denied_error,
    is_region_disabled_error,
    is_throttling_error,
)

pytestmark = pytest.mark.unit


def _client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "m"}}, "DescribeVolumes")


def test_throttling_codes_are_exactly_botocores_standard_retry_list() -> None:
    assert set(ThrottledRetryableChecker._THROTTLED_ERROR_CODES) == THROTTLING_ERROR_CODES


@pytest.mark.parametrize(
    "code",
    [
        "RequestLimitExceeded",
        "Throttling",
        "ThrottlingException",
        "SlowDown",
        "TooManyRequestsException",
        "EC2ThrottledException",
        "PriorRequestNotComplete",
    ],
)
def test_throttling_codes(code: str) -> None:
    assert is_throttling_error(code)
    assert not is_access_denied_error(code)
    assert not is_region_disabled_error(code)


@pytest.mark.parametrize("code", sorted(ACCESS_DENIED_ERROR_CODES))
def test_access_denied_codes(code: str) -> None:
    assert is_access_denied_error(code)
    assert not is_throttling_error(code)


@pytest.mark.parametrize(
    "code", ["AuthFailure", "OptInRequired", "InvalidClientTokenId", "UnrecognizedClientException"]
)
def test_region_disabled_codes(code: str) -> None:
    assert is_region_disabled_error(code)
    assert not is_access_denied_error(code)


def test_the_three_sets_are_disjoint() -> None:
    assert not THROTTLING_ERROR_CODES & ACCESS_DENIED_ERROR_CODES
    assert not THROTTLING_ERROR_CODES & REGION_DISABLED_ERROR_CODES
    assert not ACCESS_DENIED_ERROR_CODES & REGION_DISABLED_ERROR_CODES


@pytest.mark.parametrize("code", [None, "", "InvalidVolume.NotFound", "throttling", "accessdenied"])
def test_other_codes_match_nothing(code: str | None) -> None:
    assert not is_throttling_error(code)
    assert not is_access_denied_error(code)
    assert not is_region_disabled_error(code)


def test_error_code_of_client_error() -> None:
    assert error_code(_client_error("RequestLimitExceeded")) == "RequestLimitExceeded"
    assert error_code(ClientError({"Error": {}}, "DescribeVolumes")) is None
    assert error_code(ClientError({}, "DescribeVolumes")) is None


def test_error_code_of_assume_role_error_and_others() -> None:
    assert error_code(AssumeRoleError("AccessDenied", "no", "111111111111", "arn:aws:iam::111111111111:role/x")) == (
        "AccessDenied"
    )
    assert error_code(EndpointConnectionError(endpoint_url="https://sts.eu-west-1.amazonaws.com")) is None
    assert error_code(ValueError("x")) is None
