"""Exceptions → coverage statuses, and a cell's status from its checks' statuses."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from orgsweep.aws import AssumeRoleError
from orgsweep.pipeline.classify import (
    DEADLINE_ERROR_CODE,
    RATE_LIMIT_TIMEOUT_ERROR_CODE,
    Failure,
    cell_status,
    classify,
)
from orgsweep.pipeline.exceptions import DeadlineExceededError
from orgsweep.ratelimit import RateLimitTimeoutError
from orgsweep.types import CoverageStatus as S

pytestmark = pytest.mark.unit


def client_error(code: str, message: str = "boom", operation: str = "DescribeVolumes") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("AccessDenied", S.ACCESS_DENIED),
        ("AccessDeniedException", S.ACCESS_DENIED),
        ("UnauthorizedOperation", S.ACCESS_DENIED),
        ("Throttling", S.THROTTLED),
        ("ThrottlingException", S.THROTTLED),
        ("RequestLimitExceeded", S.THROTTLED),
        ("TooManyRequestsException", S.THROTTLED),
        ("AuthFailure", S.REGION_DISABLED),
        ("OptInRequired", S.REGION_DISABLED),
        ("InvalidClientTokenId", S.REGION_DISABLED),
        ("UnrecognizedClientException", S.REGION_DISABLED),
        ("InternalError", S.ERROR),
        ("InvalidParameterValue", S.ERROR),
    ],
)
def test_client_errors_map_to_statuses_and_keep_code_and_message(code: str, status: S) -> None:
    failure = classify(client_error(code, "the message"))
    assert failure.status is status
    assert failure.code == code
    assert "the message" in failure.message


def test_region_disabled_is_cell_level_but_access_denied_is_not() -> None:
    assert classify(client_error("OptInRequired")).is_cell_level
    assert not classify(client_error("AccessDenied")).is_cell_level


def test_rate_limit_timeout_is_timeout() -> None:
    failure = classify(RateLimitTimeoutError(1.0, 5.0, deadline=10.0, now=9.0))
    assert failure == Failure(S.TIMEOUT, RATE_LIMIT_TIMEOUT_ERROR_CODE, failure.message)
    assert "deadline" in failure.message


def test_rate_limit_timeout_wrapped_by_another_exception_is_still_timeout() -> None:
    try:
        try:
            raise RateLimitTimeoutError(1.0, 5.0, deadline=10.0, now=9.0)
        except RateLimitTimeoutError as exc:
            raise RuntimeError("wrapped") from exc
    except RuntimeError as wrapped:
        assert classify(wrapped).status is S.TIMEOUT


def test_deadline_exceeded_is_timeout() -> None:
    failure = classify(DeadlineExceededError("budget ran out"))
    assert (failure.status, failure.code, failure.message) == (S.TIMEOUT, DEADLINE_ERROR_CODE, "budget ran out")


def test_assume_role_error_is_assume_role_failed_even_with_a_region_disabled_looking_code() -> None:
    arn = "arn:aws:iam::111111111111:role/R"
    denied = classify(AssumeRoleError("AccessDenied", "not authorized", "111111111111", arn))
    assert (denied.status, denied.code) == (S.ASSUME_ROLE_FAILED, "AccessDenied")
    assert "not authorized" in denied.message
    # InvalidClientTokenId from STS is the hub's credentials, not a disabled member region.
    assert classify(AssumeRoleError("InvalidClientTokenId", "x", "111111111111", arn)).status is S.ASSUME_ROLE_FAILED


def test_sts_region_disabled_exception_is_region_disabled() -> None:
    error = AssumeRoleError("RegionDisabledException", "STS not activated", "111111111111", "arn:aws:iam::1:role/R")
    assert classify(error).status is S.REGION_DISABLED


def test_throttled_assume_role_is_throttled_not_a_lost_role() -> None:
    arn = "arn:aws:iam::111111111111:role/R"
    failure = classify(AssumeRoleError("Throttling", "Rate exceeded", "111111111111", arn))
    assert (failure.status, failure.code) == (S.THROTTLED, "Throttling")


def test_anything_else_is_error_named_after_its_class() -> None:
    failure = classify(ValueError("bad value"))
    assert (failure.status, failure.code, failure.message) == (S.ERROR, "ValueError", "bad value")
    connection = classify(EndpointConnectionError(endpoint_url="https://ec2.xx-east-1.amazonaws.com"))
    assert (connection.status, connection.code) == (S.ERROR, "EndpointConnectionError")


def test_empty_message_falls_back_to_the_class_name() -> None:
    assert classify(KeyError()).message == "KeyError"


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], S.OK),
        ([S.OK], S.OK),
        ([S.OK, S.OK], S.OK),
        ([S.OK, S.ACCESS_DENIED], S.PARTIAL),
        ([S.TIMEOUT, S.OK, S.OK], S.PARTIAL),
        ([S.ACCESS_DENIED, S.ACCESS_DENIED], S.ACCESS_DENIED),
        ([S.TIMEOUT], S.TIMEOUT),
        ([S.TIMEOUT, S.TIMEOUT, S.ERROR], S.TIMEOUT),  # most frequent failure wins
        ([S.ERROR, S.THROTTLED], S.THROTTLED),  # a tie goes to the more actionable status
        ([S.TIMEOUT, S.ACCESS_DENIED], S.ACCESS_DENIED),
        ([S.OK, S.REGION_DISABLED], S.REGION_DISABLED),
        ([S.ASSUME_ROLE_FAILED], S.ASSUME_ROLE_FAILED),
    ],
)
def test_cell_status(statuses: list[S], expected: S) -> None:
    assert cell_status(statuses) is expected
