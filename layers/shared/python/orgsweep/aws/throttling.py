"""Classifying AWS error codes: throttled, access denied, region disabled.

The throttling set is botocore's standard-retry list (botocore.retries.standard
ThrottledRetryableChecker), so what we count as a throttle is what botocore backs off on.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from orgsweep.aws.exceptions import AssumeRoleError

THROTTLING_ERROR_CODES: frozenset[str] = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)

ACCESS_DENIED_ERROR_CODES: frozenset[str] = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "AuthorizationError",
        "AuthorizationErrorException",
    }
)

# What a call into a region the account has not opted into (or that the STS token is not
# valid in) answers with.
REGION_DISABLED_ERROR_CODES: frozenset[str] = frozenset(
    {
        "AuthFailure",
        "OptInRequired",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
    }
)

#: HTTP status that means "throttled" even without a known error code (as botocore treats it).
THROTTLING_STATUS_CODE = 429


def is_throttling_error(code: str | None) -> bool:
    return code in THROTTLING_ERROR_CODES


def is_access_denied_error(code: str | None) -> bool:
    return code in ACCESS_DENIED_ERROR_CODES


def is_region_disabled_error(code: str | None) -> bool:
    return code in REGION_DISABLED_ERROR_CODES


def error_code(exc: BaseException) -> str | None:
    """The AWS error code of a botocore ClientError (or of an AssumeRoleError); None otherwise."""
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code")
        return str(code) if code else None
    if isinstance(exc, AssumeRoleError):
        return exc.code
    return None


__all__ = [
    "ACCESS_DENIED_ERROR_CODES",
    "REGION_DISABLED_ERROR_CODES",
    "THROTTLING_ERROR_CODES",
    "THROTTLING_STATUS_CODE",
    "error_code",
    "is_access_denied_error",
    "is_region_disabled_error",
    "is_throttling_error",
]
