"""Name the operation of a REST request (Lambda, EKS, S3) from botocore's service models.

JSON and query protocols say their action in the request (X-Amz-Target, `Action=`); REST
protocols only have a method and a path. Each operation's `requestUri` template
(`/2015-03-31/functions/{FunctionName}`, `/{Bucket}/{Key+}?list-type=2`) becomes a pattern,
with the headers and query parameters the operation requires (CopyObject is PutObject's
route plus `x-amz-copy-source`); the most specific route that matches names the operation.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import parse_qs

import botocore.session
from botocore.exceptions import UnknownServiceError
from botocore.model import OperationModel

_LABEL = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True, slots=True)
class _Route:
    name: str
    method: str
    path: re.Pattern[str]
    query: tuple[tuple[str, str | None], ...]  # required keys (and values)
    headers: frozenset[str]  # required headers, lower-case
    specificity: tuple[int, int]


def _required_inputs(operation: OperationModel) -> tuple[list[str], list[str]]:
    """Names of the required header and query-string members of the operation's input."""
    shape = operation.input_shape
    if shape is None:
        return [], []
    headers, query = [], []
    for member in shape.required_members:
        serialization = shape.members[member].serialization
        location, wire_name = serialization.get("location"), serialization.get("name", member)
        if location == "header":
            headers.append(wire_name.lower())
        elif location == "querystring":
            query.append(wire_name)
    return headers, query


def _route(name: str, method: str, request_uri: str, operation: OperationModel) -> _Route:
    path_template, _, query_template = request_uri.partition("?")
    pattern, literal, position = [], 0, 0
    for label in _LABEL.finditer(path_template):
        text = path_template[position : label.start()]
        pattern.append(re.escape(text))
        literal += len(text)
        pattern.append(".+" if label.group(1).endswith("+") else "[^/]+")
        position = label.end()
    tail = path_template[position:]
    pattern.append(re.escape(tail))
    literal += len(tail)
    query: list[tuple[str, str | None]] = []
    for part in filter(None, query_template.split("&")):
        key, sep, value = part.partition("=")
        query.append((key, value if sep else None))
    headers, query_members = _required_inputs(operation)
    query.extend((key, None) for key in query_members if key not in dict(query))
    specificity = (len(query) + len(headers), literal)
    return _Route(name, method, re.compile("".join(pattern) + "/?"), tuple(query), frozenset(headers), specificity)


@functools.cache
def _routes(service_name: str) -> tuple[_Route, ...]:
    try:
        model = botocore.session.get_session().get_service_model(service_name)
    except UnknownServiceError:
        return ()
    routes = []
    for name in model.operation_names:
        operation = model.operation_model(name)
        http = operation.http
        routes.append(_route(name, http.get("method", "POST"), http.get("requestUri", "/"), operation))
    return tuple(sorted(routes, key=lambda r: r.specificity, reverse=True))


def rest_operation(
    service_name: str, method: str, path: str, query: str, header_names: Collection[str] = ()
) -> str | None:
    """The operation a REST request invokes, or None when no operation of the service matches.

    header_names: the request's header names (any case).
    """
    params = parse_qs(query, keep_blank_values=True)
    present = {name.lower() for name in header_names}
    for route in _routes(service_name):
        if route.method != method or not route.path.fullmatch(path) or not route.headers <= present:
            continue
        if all(key in params and (value is None or value in params[key]) for key, value in route.query):
            return route.name
    return None


__all__ = ["rest_operation"]
