"""IAM enforcement in the embedded moto server: after `enforce()`, every request is checked against IAM.

moto enforces IAM only when asked (TESTING-NOTES): once its no-auth request count is
reached, each request's SigV4 signature is verified and its action checked against the
caller's identity policies (an IAM user's, or an assumed role's). Who calls with what:

- The person running the demo (or a test) is an IAM user of the hub account with an
  allow-all policy, created before enforcement starts (`admin_session`).
- Each Lambda function runs with credentials of its own execution role, as Lambda does:
  `role_credentials` assumes the role through moto's STS backend directly (the Lambda
  service's assumption involves no caller), so the function's calls are checked against
  the policies CloudFormation created from the synthesized template.
- moto's Step Functions interpreter signs its own Lambda and S3 calls with fixed fake keys:
  those cannot be checked here and are counted as `unenforced` (the state machine's role
  is checked statically over the template instead, tests/infra).

Two moto faults are corrected, so that what is checked is the policy, as AWS checks it: moto
names an action after the request's SigV4 signing name, which for CloudWatch is `monitoring`
where IAM says `cloudwatch:GetMetricData` (and `tagging` for the tagging API's `tag:`); and
its recomputation of the signature of REST-JSON GET requests (Lambda, EKS) signs its parsed
parameters as if they were the body, so correct requests fail. Signatures are botocore's
business, not ours: the access key must still be known (an unknown key is refused), but the
signature is not recomputed.

One AWS rule moto lacks is added: S3 answers GetObject/HeadObject of a missing key with
403 AccessDenied, not 404, unless the caller may s3:ListBucket the bucket. Whether a
ListBucket grant restricted by a condition (s3:prefix) counts is not documented, so only
an unconditional grant does here: code that works under the stricter reading works on AWS.

The hook into moto is registered in exactly one place (`_install`), and removed on exit.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from orgsweep.aws.iam_patterns import iam_pattern
from orgsweep_local.demo.exceptions import DemoError
from orgsweep_local.demo.server import DemoServer

#: The access key moto's Step Functions interpreter signs with (moto.stepfunctions.parser.asl.utils.boto_client).
INTERPRETER_ACCESS_KEY = "ak"
ADMIN_USER = "orgsweep-demo-admin"
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/[^/]+/([^/]+)/([^/]+)/")
#: SigV4 signing names that differ from the service's IAM action prefix.
IAM_PREFIX_OF_SIGNING_NAME: dict[str, str] = {"monitoring": "cloudwatch", "tagging": "tag"}
_ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


@dataclass(frozen=True, slots=True)
class Denial:
    """One request IAM refused: who, what, on which resource, and moto's error."""

    principal: str
    action: str
    resource: str
    error: str

    def __str__(self) -> str:
        return f"{self.principal} may not {self.action} on {self.resource} ({self.error})"


@dataclass(slots=True)
class IamStats:
    """What enforcement saw: `checked` requests (allowed or denied), `denials`, and `unenforced` ones."""

    checked: int = 0
    unenforced: int = 0
    denials: list[Denial] = field(default_factory=list)

    @property
    def denied(self) -> int:
        return len(self.denials)

    def summary(self) -> str:
        return (
            f"IAM enforced: {self.checked} calls checked, {self.denied} denied "
            f"({self.unenforced} calls of moto's state machine interpreter cannot be checked; "
            "the state machine's role is checked statically)"
        )


class IamEnforcement:
    """Switch moto's IAM enforcement on for the server of this process; count and record the outcome."""

    def __init__(self, server: DemoServer) -> None:
        self._server = server
        self._lock = threading.Lock()
        self._stats = IamStats()
        self._admin: tuple[str, str] | None = None
        self._saved: dict[str, Any] = {}
        self._enforcing = False

    # -- principals -------------------------------------------------------------------------
    def admin_session(self, region: str = "us-east-1") -> Any:
        """A boto3 session of an allow-all IAM user of the hub account (created before enforcement)."""
        import boto3

        if self._admin is None:
            if self._enforcing:
                raise DemoError("create the admin user before IAM enforcement starts")
            iam = self._server.session(region).client("iam", endpoint_url=self._server.endpoint_url)
            iam.create_user(UserName=ADMIN_USER)
            iam.put_user_policy(UserName=ADMIN_USER, PolicyName="allow-all", PolicyDocument=_ALLOW_ALL)
            key = iam.create_access_key(UserName=ADMIN_USER)["AccessKey"]
            self._admin = (key["AccessKeyId"], key["SecretAccessKey"])
        return boto3.Session(
            aws_access_key_id=self._admin[0], aws_secret_access_key=self._admin[1], region_name=region
        )

    @staticmethod
    def role_credentials(role_arn: str, session_name: str, region: str = "us-east-1") -> dict[str, str]:
        """Temporary credentials of `role_arn`, issued as the Lambda service issues them (no caller)."""
        from moto.sts.models import sts_backends

        account_id = role_arn.split(":")[4]
        assumed = sts_backends[account_id]["aws"].assume_role(
            region_name=region,
            role_session_name=session_name[:64],
            role_arn=role_arn,
            policy="",
            duration=3600,
            external_id="",
        )
        return {
            "AWS_ACCESS_KEY_ID": assumed.access_key_id,
            "AWS_SECRET_ACCESS_KEY": assumed.secret_access_key,
            "AWS_SESSION_TOKEN": assumed.session_token,
        }

    def lambda_credentials(self, function: Any) -> dict[str, str]:
        """InProcessLambda's credential source: the function's own execution role."""
        return self.role_credentials(str(function.role), str(function.function_name), str(function.region))

    # -- enforcement ------------------------------------------------------------------------
    def enforce(self) -> None:
        """From the next request on, moto checks every request against IAM."""
        if self._enforcing:
            return
        self._install()
        self._server.reset_auth(0)
        self._enforcing = True

    def relax(self) -> None:
        """Stop checking (moto's default: no IAM) and unhook."""
        if not self._saved:
            return
        self._enforcing = False
        try:
            self._server.reset_auth(float("inf"))
        finally:
            self._uninstall()

    @property
    def stats(self) -> IamStats:
        with self._lock:
            return IamStats(self._stats.checked, self._stats.unenforced, list(self._stats.denials))

    def reset_stats(self) -> None:
        with self._lock:
            self._stats = IamStats()

    def __enter__(self) -> IamEnforcement:
        return self

    def __exit__(self, *exc: object) -> None:
        self.relax()

    # -- the hook -----------------------------------------------------------------------------
    def _install(self) -> None:
        from moto.core.authorization import ActionAuthenticatorMixin

        authorize = ActionAuthenticatorMixin._authenticate_and_authorize_action
        authorize_s3 = ActionAuthenticatorMixin._authenticate_and_authorize_s3_action
        self._saved = {"action": authorize, "s3": authorize_s3}
        enforcement = self

        def checked_action(response: Any, iam_request_cls: type, resource: str = "*") -> None:
            enforcement._authorize(authorize, response, iam_request_cls, resource)

        def checked_s3_action(response: Any, bucket_name: str | None = None, key_name: str | None = None) -> None:
            authorize_s3(response, bucket_name=bucket_name, key_name=key_name)
            enforcement._missing_key_rule(response, bucket_name, key_name)

        setattr(ActionAuthenticatorMixin, "_authenticate_and_authorize_action", checked_action)  # noqa: B010
        setattr(ActionAuthenticatorMixin, "_authenticate_and_authorize_s3_action", checked_s3_action)  # noqa: B010

    def _uninstall(self) -> None:
        from moto.core.authorization import ActionAuthenticatorMixin

        saved, self._saved = self._saved, {}
        if saved:
            setattr(ActionAuthenticatorMixin, "_authenticate_and_authorize_action", saved["action"])  # noqa: B010
            setattr(ActionAuthenticatorMixin, "_authenticate_and_authorize_s3_action", saved["s3"])  # noqa: B010

    def _authorize(self, original: Any, response: Any, iam_request_cls: type, resource: str) -> None:
        if not self._enforcing:
            original(response, iam_request_cls, resource)
            return
        access_key, service = _signer(response.headers)
        if access_key == INTERPRETER_ACCESS_KEY:
            with self._lock:
                self._stats.unenforced += 1
            return
        try:
            original(response, _as_aws_checks(iam_request_cls), resource)
        except Exception as exc:
            prefix = IAM_PREFIX_OF_SIGNING_NAME.get(service, service)
            self._record(access_key, f"{prefix}:{response._get_action()}", resource, exc)
            raise
        with self._lock:
            self._stats.checked += 1

    def _missing_key_rule(self, response: Any, bucket_name: str | None, key_name: str | None) -> None:
        """403, not 404, for a missing object unless the caller may list the bucket (module doc)."""
        if not (self._enforcing and bucket_name and key_name and response.method in ("GET", "HEAD")):
            return
        access_key, _ = _signer(response.headers)
        if access_key == INTERPRETER_ACCESS_KEY or response._get_action() != "GetObject":
            return
        if _object_exists(response.current_account, bucket_name, key_name):
            return
        bucket_arn = f"arn:aws:s3:::{bucket_name}"
        if _may_list_unconditionally(response, bucket_arn):
            return
        from moto.s3.exceptions import S3AccessDeniedError

        error = S3AccessDeniedError()
        self._record(access_key, "s3:ListBucket (to learn that a key is missing)", bucket_arn, error)
        raise error

    def _record(self, access_key: str, action: str, resource: str, exc: BaseException) -> None:
        denial = Denial(_principal_of(access_key), action, resource, f"{type(exc).__name__}: {_message(exc)}")
        with self._lock:
            self._stats.checked += 1
            self._stats.denials.append(denial)


_CHECKS: dict[type, type] = {}


def _as_aws_checks(iam_request_cls: type) -> type:
    """moto's request class with the two corrections of the module doc (one subclass per class)."""
    if iam_request_cls not in _CHECKS:
        base: Any = iam_request_cls

        class AwsChecked(base):  # type: ignore[misc]
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                action: str = getattr(self, "_action")  # noqa: B009 (set by moto's __init__)
                service, _, name = action.partition(":")
                self._action = f"{IAM_PREFIX_OF_SIGNING_NAME.get(service, service)}:{name}"

            def check_signature(self) -> None:
                return None

        _CHECKS[iam_request_cls] = AwsChecked
    return _CHECKS[iam_request_cls]


def _signer(headers: Mapping[str, str]) -> tuple[str, str]:
    """(access key id, signing service) of a SigV4 request; ("", "") when it is not signed."""
    match = _CREDENTIAL.search(str(headers.get("Authorization", "")))
    return (match.group(1), match.group(3)) if match else ("", "")


def _message(exc: BaseException) -> str:
    description = getattr(exc, "description", None)
    text = str(description if description is not None else exc)
    found = re.search(r"<Message>(.*?)</Message>", text)
    return found.group(1) if found else " ".join(text.split())[:300]


def _object_exists(account_id: str, bucket_name: str, key_name: str) -> bool:
    from moto.s3.models import s3_backends

    try:
        return s3_backends[account_id]["aws"].get_object(bucket_name, key_name) is not None
    except Exception:  # a missing bucket: the request fails on its own further on
        return True


def _may_list_unconditionally(response: Any, bucket_arn: str) -> bool:
    """Whether an Allow statement without conditions grants s3:ListBucket on the bucket (and none denies it)."""
    from moto.iam.access_control import S3IAMRequest

    request = S3IAMRequest(
        account_id=response.current_account,
        method=response.method,
        path=response.raw_path,
        data=response.data,
        body=response.raw_body,
        headers=response.headers,
        action="ListBucket",
    )
    allowed = False
    for document in _documents(request._access_key.collect_policies()):
        for statement in _statements(document):
            lists = _matches(statement.get("Action"), "s3:ListBucket", ignore_case=True)
            if not (lists and _matches(statement.get("Resource"), bucket_arn, ignore_case=False)):
                continue
            if statement.get("Effect") == "Deny":
                return False
            allowed = allowed or not statement.get("Condition")
    return allowed


def _documents(policies: Any) -> Iterator[dict[str, Any]]:
    from moto.iam.access_control import IAMPolicy

    for policy in policies:
        yield IAMPolicy(policy)._policy_json


def _statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    statements = document.get("Statement", [])
    return list(statements) if isinstance(statements, list) else [statements]


def _matches(patterns: Any, value: str, *, ignore_case: bool) -> bool:
    items = patterns if isinstance(patterns, list) else [patterns]
    return any(isinstance(p, str) and iam_pattern(p, ignore_case=ignore_case).fullmatch(value) for p in items)


def _principal_of(access_key: str) -> str:
    """The ARN behind an access key (an assumed role's session or an IAM user), for the denial record."""
    from moto.iam.models import iam_backends
    from moto.sts.models import sts_backends

    for account_id in list(sts_backends.keys()):
        for assumed in sts_backends[account_id]["aws"].assumed_roles:
            if assumed.access_key_id == access_key:
                return f"{assumed.role_arn} (session {assumed.session_name})"
    for account_id in list(iam_backends.keys()):
        for user in iam_backends[account_id]["aws"].users.values():
            if any(key.access_key_id == access_key for key in user.access_keys):
                return f"arn:aws:iam::{account_id}:user/{user.name}"
    return f"access key {access_key or '(unsigned)'}"


__all__ = ["ADMIN_USER", "INTERPRETER_ACCESS_KEY", "Denial", "IamEnforcement", "IamStats"]
