"""AWS error responses, byte for byte in each wire protocol, as the real services send them.

A throttled EC2 call must look like EC2's `RequestLimitExceeded` (HTTP 503, EC2 XML), a
throttled CloudWatch call like CloudWatch's `Throttling` in whichever protocol the client
chose (query XML, JSON or Smithy RPC v2 CBOR), S3's like `SlowDown` (503, REST XML): botocore
then parses, classifies and retries them exactly as it would in AWS.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from xml.sax.saxutils import escape


class Protocol(StrEnum):
    """The wire protocol of one request (botocore's names, CBOR for smithy-rpc-v2-cbor)."""

    EC2 = "ec2"
    QUERY = "query"
    JSON = "json"
    REST_JSON = "rest-json"
    REST_XML = "rest-xml"
    CBOR = "cbor"


@dataclass(frozen=True, slots=True)
class ErrorReply:
    """One AWS error: HTTP status and the service's error code and message."""

    status: int
    code: str
    message: str


#: The throttling error each service really answers with (by SigV4 signing name).
_THROTTLE_BY_SERVICE = {
    "ec2": ErrorReply(503, "RequestLimitExceeded", "Request limit exceeded."),
    "monitoring": ErrorReply(400, "Throttling", "Rate exceeded"),
    "s3": ErrorReply(503, "SlowDown", "Please reduce your request rate."),
    "lambda": ErrorReply(429, "TooManyRequestsException", "Rate exceeded"),
    "organizations": ErrorReply(
        400,
        "TooManyRequestsException",
        "AWS Organizations can't complete your request "
        "because another request is already in progress. Try again later.",
    ),
}
_THROTTLE_BY_PROTOCOL = {
    Protocol.QUERY: ErrorReply(400, "Throttling", "Rate exceeded"),
    Protocol.JSON: ErrorReply(400, "ThrottlingException", "Rate exceeded"),
    Protocol.CBOR: ErrorReply(400, "ThrottlingException", "Rate exceeded"),
    Protocol.REST_JSON: ErrorReply(429, "ThrottlingException", "Rate exceeded"),
    Protocol.REST_XML: ErrorReply(503, "SlowDown", "Please reduce your request rate."),
    Protocol.EC2: ErrorReply(503, "RequestLimitExceeded", "Request limit exceeded."),
}
_DENIED_BY_PROTOCOL = {
    Protocol.EC2: "UnauthorizedOperation",
    Protocol.QUERY: "AccessDenied",
    Protocol.REST_XML: "AccessDenied",
    Protocol.JSON: "AccessDeniedException",
    Protocol.CBOR: "AccessDeniedException",
    Protocol.REST_JSON: "AccessDeniedException",
}
#: What a call signed for a region the account has not opted into gets back.
_REGION_OFF_BY_PROTOCOL = {
    Protocol.EC2: ErrorReply(401, "AuthFailure", "AWS was not able to validate the provided access credentials"),
    Protocol.QUERY: ErrorReply(403, "InvalidClientTokenId", "The security token included in the request is invalid."),
    Protocol.REST_XML: ErrorReply(
        403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."
    ),
}
_REGION_OFF_DEFAULT = ErrorReply(
    403, "UnrecognizedClientException", "The security token included in the request is invalid."
)


def throttle_reply(service: str, protocol: Protocol) -> ErrorReply:
    """The throttling error of `service` (signing name), as that service sends it."""
    return _THROTTLE_BY_SERVICE.get(service) or _THROTTLE_BY_PROTOCOL[protocol]


def denied_reply(service: str, action: str, protocol: Protocol) -> ErrorReply:
    """The service's "not authorized" error for `action`."""
    if service == "sts" and action == "AssumeRole":
        message = "User is not authorized to perform: sts:AssumeRole on the requested role"
    else:
        message = f"You are not authorized to perform: {service}:{action}"
    return ErrorReply(403 if protocol is not Protocol.JSON else 400, _DENIED_BY_PROTOCOL[protocol], message)


def access_denied_message(
    principal_arn: str,
    action: str,
    resource_arn: str,
    *,
    explicit_deny_in: str | None = None,
    no_allow_in: str | None = None,
    policy_arn: str | None = None,
) -> str:
    """AWS's documented AccessDenied message: "User: P is not authorized to perform: A on resource: R",
    then " with an explicit deny in a <policy type>[: <policy ARN>]" or " because no <policy type>
    allows the A action" (policy types: "service control policy", "resource control policy",
    "identity-based policy", "permissions boundary", "session policy", "resource-based policy").
    Neither suffix: the plain message, e.g. sts:AssumeRole of a missing or not trusting role."""
    message = f"User: {principal_arn} is not authorized to perform: {action} on resource: {resource_arn}"
    if explicit_deny_in is not None:
        article = "an" if explicit_deny_in[:1] in "aeiou" else "a"
        message += f" with an explicit deny in {article} {explicit_deny_in}" + (f": {policy_arn}" if policy_arn else "")
    elif no_allow_in is not None:
        message += f" because no {no_allow_in} allows the {action} action"
    return message


def region_disabled_reply(service: str, action: str, protocol: Protocol, account_id: str) -> ErrorReply:
    """What AWS answers a call into a region that `account_id` has not enabled."""
    if service == "sts" and action.startswith("AssumeRole"):
        message = (
            f"STS is not activated in this region for account:{account_id}. Your account administrator "
            "can activate STS in this region using the IAM Console."
        )
        return ErrorReply(403, "RegionDisabledException", message)
    return _REGION_OFF_BY_PROTOCOL.get(protocol, _REGION_OFF_DEFAULT)


def render(reply: ErrorReply, protocol: Protocol) -> tuple[dict[str, str], bytes]:
    """Headers and body of `reply` in `protocol`."""
    code, message = escape(reply.code), escape(reply.message)
    if protocol is Protocol.EC2:
        body = (
            f"<?xml version='1.0' encoding='UTF-8'?><Response><Errors><Error><Code>{code}</Code>"
            f"<Message>{message}</Message></Error></Errors><RequestID>orgsweep-fault</RequestID></Response>"
        )
        return {"Content-Type": "text/xml;charset=UTF-8"}, body.encode()
    if protocol is Protocol.QUERY:
        body = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
            "</Error><RequestId>orgsweep-fault</RequestId></ErrorResponse>"
        )
        return {"Content-Type": "text/xml"}, body.encode()
    if protocol is Protocol.REST_XML:
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{message}</Message>'
            "<RequestId>orgsweep-fault</RequestId></Error>"
        )
        return {"Content-Type": "application/xml"}, body.encode()
    if protocol is Protocol.CBOR:
        headers = {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}
        return headers, _cbor_text_map({"__type": reply.code, "message": reply.message})
    content_type = "application/x-amz-json-1.1" if protocol is Protocol.JSON else "application/json"
    headers = {"Content-Type": content_type, "x-amzn-ErrorType": reply.code}
    return headers, json.dumps({"__type": reply.code, "message": reply.message}).encode()


def _cbor_text(value: str) -> bytes:
    data = value.encode()
    if len(data) < 24:
        return bytes([0x60 | len(data)]) + data
    if len(data) < 256:
        return bytes([0x78, len(data)]) + data
    return bytes([0x79]) + len(data).to_bytes(2, "big") + data


def _cbor_text_map(items: dict[str, str]) -> bytes:
    """A CBOR map of text to text (all an error body needs; fewer than 24 entries)."""
    if len(items) >= 24:
        raise ValueError("cbor_text_map encodes fewer than 24 entries")
    return bytes([0xA0 | len(items)]) + b"".join(_cbor_text(k) + _cbor_text(v) for k, v in items.items())


__all__ = [
    "ErrorReply",
    "Protocol",
    "access_denied_message",
    "denied_reply",
    "region_disabled_reply",
    "render",
    "throttle_reply",
]
