"""What one signed AWS request is: service, region, caller's access key, action, protocol.

Everything comes from the request itself, as AWS would see it: the SigV4 credential scope
(`Credential=AKID/date/region/service/aws4_request`) names the access key, region and
service; the action comes from `X-Amz-Target`, the CBOR path, the `Action=` parameter, or
(REST protocols) the botocore model's route for the method and path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, unquote, urlsplit

from orgsweep_local.demo.faults.operations import rest_operation
from orgsweep_local.demo.faults.responses import Protocol

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
_CBOR_PATH = re.compile(r"/service/[^/]+/operation/([^/?]+)")
_ROLE_ACCOUNT = re.compile(r"^arn:[^:]+:iam::(\d{12}):role/")
_REST_XML_SERVICES = frozenset({"s3"})
_EC2_SERVICES = frozenset({"ec2"})


@dataclass(frozen=True, slots=True)
class RequestInfo:
    """The parts of one request the proxy decides on. `service` is the SigV4 signing name."""

    service: str
    region: str
    access_key: str
    action: str
    protocol: Protocol
    role_account: str | None = None  # sts:AssumeRole*: the account that owns the role

    @property
    def is_assume_role(self) -> bool:
        return self.service == "sts" and self.action.startswith("AssumeRole")


def _header(headers: Mapping[str, str], name: str) -> str:
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return ""


def describe(method: str, target: str, headers: Mapping[str, str], body: bytes) -> RequestInfo | None:
    """The RequestInfo of a SigV4-signed request; None for unsigned requests (moto's own API)."""
    credential = _CREDENTIAL.search(_header(headers, "Authorization"))
    if credential is None:
        return None
    access_key, region, service = credential.groups()
    url = urlsplit(target)
    form: dict[str, list[str]] = parse_qs(url.query)
    if "x-www-form-urlencoded" in _header(headers, "Content-Type"):
        form |= parse_qs(body.decode("utf-8", "replace"))
    amz_target = _header(headers, "X-Amz-Target")
    cbor = _CBOR_PATH.fullmatch(url.path) if _header(headers, "smithy-protocol") else None
    if cbor is not None:
        protocol, action = Protocol.CBOR, cbor.group(1)
    elif amz_target:
        protocol, action = Protocol.JSON, amz_target.rsplit(".", 1)[-1]
    elif "Action" in form:
        protocol = Protocol.EC2 if service in _EC2_SERVICES else Protocol.QUERY
        action = form["Action"][0]
    else:
        protocol = Protocol.REST_XML if service in _REST_XML_SERVICES else Protocol.REST_JSON
        path = unquote(url.path)
        # The REST services' signing names (lambda, eks, s3) are their botocore model names.
        action = rest_operation(service, method, path, url.query, list(headers)) or f"{method} {path}"
    info = RequestInfo(service, region, access_key, action, protocol)
    if info.is_assume_role:
        match = _ROLE_ACCOUNT.match(form.get("RoleArn", [""])[0])
        info = replace(info, role_account=match.group(1) if match else None)
    return info


__all__ = ["RequestInfo", "describe"]
