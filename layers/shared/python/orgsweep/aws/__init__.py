"""AWS access for orgsweep: member-account sessions and rate-limited, counted clients.

    session = assume_role_session(boto3.Session(), "111122223333", "OrgSweepScan",
                                  run_id=run_id, region="eu-west-1")
    factory = ClientFactory(session, limiters=LimiterSet("default"), deadline=deadline)
    with counting_scope("ec2-idle-volumes"):
        factory.client("ec2", "eu-west-1").describe_volumes()
    factory.counters.snapshot()   # {"ec2": ServiceCounts(calls=1, retries=0, ...)}

Importing this package needs only boto3 and the standard library.
"""

from orgsweep.aws.clients import ClientFactory, get_client
from orgsweep.aws.counters import DEFAULT_SCOPE, CallCounters, counting_scope, current_scope
from orgsweep.aws.exceptions import AssumeRoleError, AwsConfigError, AwsError
from orgsweep.aws.iam_patterns import iam_pattern
from orgsweep.aws.sessions import assume_role_session, role_arn, role_session_name
from orgsweep.aws.throttling import (
    ACCESS_DENIED_ERROR_CODES,
    REGION_DISABLED_ERROR_CODES,
    THROTTLING_ERROR_CODES,
    error_code,
    is_access_denied_error,
    is_region_disabled_error,
    is_throttling_error,
)
from orgsweep.aws.types import ServiceCounts

__all__ = [
    "ACCESS_DENIED_ERROR_CODES",
    "DEFAULT_SCOPE",
    "REGION_DISABLED_ERROR_CODES",
    "THROTTLING_ERROR_CODES",
    "AssumeRoleError",
    "AwsConfigError",
    "AwsError",
    "CallCounters",
    "ClientFactory",
    "ServiceCounts",
    "assume_role_session",
    "counting_scope",
    "current_scope",
    "error_code",
    "get_client",
    "iam_pattern",
    "is_access_denied_error",
    "is_region_disabled_error",
    "is_throttling_error",
    "role_arn",
    "role_session_name",
]
