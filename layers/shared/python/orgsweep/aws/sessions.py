"""Sessions in member accounts: sts:AssumeRole through the regional STS endpoint."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import boto3
import botocore.session
from botocore.exceptions import BotoCoreError, ClientError

from orgsweep.aws.clients import client_config, get_client, session_lock
from orgsweep.aws.exceptions import AssumeRoleError, AwsConfigError
from orgsweep.aws.throttling import error_code

_ACCOUNT_ID = re.compile(r"\d{12}")
_PARTITION = re.compile(r"aws(-[a-z]+)*")
_ROLE_NAME = re.compile(r"[A-Za-z0-9_+=,.@-]{1,64}")
_ROLE_ARN = re.compile(
    r"arn:(?P<partition>aws(?:-[a-z]+)*):iam::(?P<account>\d{12}):role/(?:[!-~]+/)?(?P<name>[A-Za-z0-9_+=,.@-]{1,64})"
)
_SESSION_NAME_BAD_CHARS = re.compile(r"[^A-Za-z0-9_+=,.@-]")
_SESSION_NAME_MAX = 64
_GLOBAL_STS_HOST = "sts.amazonaws.com"


def role_arn(account_id: str, role: str, partition: str = "aws") -> str:
    """`arn:{partition}:iam::{account_id}:role/{role}`; a full role ARN is checked and returned as is.

    Raises AwsConfigError for a malformed account id, partition, role name or ARN, and for an
    ARN whose account or partition differs from the ones given.
    """
    if not isinstance(account_id, str) or not _ACCOUNT_ID.fullmatch(account_id):
        raise AwsConfigError(f"account id must be 12 digits, got {account_id!r}")
    if not isinstance(partition, str) or not _PARTITION.fullmatch(partition):
        raise AwsConfigError(f"partition must look like 'aws', 'aws-cn' or 'aws-us-gov', got {partition!r}")
    if not isinstance(role, str) or not role:
        raise AwsConfigError(f"role must be a role name or a role ARN, got {role!r}")
    if role.startswith("arn:"):
        match = _ROLE_ARN.fullmatch(role)
        if match is None:
            expected = "arn:<partition>:iam::<account>:role/<name>"
            raise AwsConfigError(f"malformed IAM role ARN {role!r}: expected {expected}")
        if match["account"] != account_id:
            raise AwsConfigError(f"role ARN {role!r} is in account {match['account']}, not in {account_id}")
        if match["partition"] != partition:
            raise AwsConfigError(f"role ARN {role!r} is in partition {match['partition']}, not in {partition}")
        return role
    if not _ROLE_NAME.fullmatch(role):
        raise AwsConfigError(f"invalid IAM role name {role!r}: 1-64 characters from letters, digits and _+=,.@-")
    return f"arn:{partition}:iam::{account_id}:role/{role}"


def role_session_name(run_id: str) -> str:
    """`orgsweep-{run_id}` with characters STS rejects replaced by '-', cut to 64 characters."""
    return _SESSION_NAME_BAD_CHARS.sub("-", f"orgsweep-{run_id}")[:_SESSION_NAME_MAX]


def assume_role_session(
    base_session: Any,
    account_id: str,
    role: str,
    *,
    run_id: str,
    region: str,
    external_id: str | None = None,
    duration_seconds: int = 3600,
    partition: str = "aws",
) -> boto3.Session:
    """A boto3 Session acting as `role` in `account_id`, with `region` as its default region.

    `role` is a role name or a full role ARN. The call goes to the STS endpoint of `region`
    (tokens from regional endpoints are valid in every region, opt-in ones included).
    Every failure raises AssumeRoleError: with the AWS error code when STS answered, with
    the botocore exception's class name (e.g. "EndpointConnectionError") when it did not,
    and "ValidationError" for a malformed account id / role.
    """
    try:
        arn = role_arn(account_id, role, partition)
    except AwsConfigError as exc:
        raise AssumeRoleError("ValidationError", str(exc), str(account_id), str(role)) from exc
    params: dict[str, Any] = {
        "RoleArn": arn,
        "RoleSessionName": role_session_name(run_id),
        "DurationSeconds": duration_seconds,
    }
    if external_id is not None:
        params["ExternalId"] = external_id
    try:
        response = _sts_client(base_session, region).assume_role(**params)
    except ClientError as exc:
        message = str(exc.response.get("Error", {}).get("Message") or exc)
        raise AssumeRoleError(error_code(exc) or "Unknown", message, account_id, arn) from exc
    except BotoCoreError as exc:
        raise AssumeRoleError(type(exc).__name__, str(exc), account_id, arn) from exc
    except AwsConfigError as exc:  # e.g. an empty region
        raise AssumeRoleError("ValidationError", str(exc), account_id, arn) from exc
    credentials = response["Credentials"]
    return _session_with_credentials(
        base_session,
        access_key_id=credentials["AccessKeyId"],
        secret_access_key=credentials["SecretAccessKey"],
        session_token=credentials["SessionToken"],
        region=region,
    )


def _sts_client(base_session: Any, region: str) -> Any:
    client = get_client(base_session, "sts", region)
    if urlsplit(client.meta.endpoint_url).hostname == _GLOBAL_STS_HOST:
        # The base session is configured with sts_regional_endpoints=legacy (botocore's
        # default is regional). Force the regional endpoint of this (aws-partition) region.
        with session_lock(base_session):
            client = base_session.client(
                "sts", region_name=region, endpoint_url=f"https://sts.{region}.amazonaws.com", config=client_config()
            )
    return client


def _session_with_credentials(
    base_session: Any, *, access_key_id: str, secret_access_key: str, session_token: str, region: str
) -> boto3.Session:
    session = boto3.Session(
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        aws_session_token=session_token,
        region_name=region,
        botocore_session=botocore.session.Session(),
    )
    # Reuse the base session's service-model loader (and its parsed-JSON cache): creating
    # a client from a fresh loader costs ~4x more CPU, paid once per client per cell otherwise.
    # Swapped in after boto3.Session() so boto3 does not append its data path to it again.
    base_core = getattr(base_session, "_session", None)
    if isinstance(base_core, botocore.session.Session):
        session._session.register_component("data_loader", base_core.get_component("data_loader"))
    return session


__all__ = ["assume_role_session", "role_arn", "role_session_name"]
