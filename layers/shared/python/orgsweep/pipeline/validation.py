"""Field validators for execution input and settings: each names the offending field on error.

Every pattern is matched with `fullmatch` under `re.ASCII`, so a trailing newline or a
non-ASCII digit never slips through (`$` and `\\d` alone would let both in).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from orgsweep.pipeline.exceptions import InputValidationError

ACCOUNT_ID_RE = re.compile(r"\d{12}", re.ASCII)
OU_ID_RE = re.compile(r"ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}", re.ASCII)
REGION_RE = re.compile(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d", re.ASCII)
# Safe as an S3 key segment and as a Step Functions execution name (1-80 chars, no specials);
# the leading alphanumeric rules out "." and ".." path segments.
RUN_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}", re.ASCII)
ROLE_NAME_RE = re.compile(r"[\w+=,.@-]{1,64}", re.ASCII)
ROLE_ARN_RE = re.compile(r"arn:aws(-[a-z]+)*:iam::\d{12}:role/([\w+=,.@-]+/)*[\w+=,.@-]{1,64}", re.ASCII)
EXTERNAL_ID_RE = re.compile(r"[\w+=,.@:/-]{2,1224}", re.ASCII)

_PLAIN_KEY_RE = re.compile(r"[A-Za-z0-9_-]+", re.ASCII)

#: What each pattern accepts, for error messages.
ACCOUNT_ID = (ACCOUNT_ID_RE, "an AWS account id (12 digits)")
OU_ID = (OU_ID_RE, "an organizational unit id (ou-xxxx-xxxxxxxx)")
REGION = (REGION_RE, "an AWS region name (e.g. us-east-1)")
RUN_ID = (RUN_ID_RE, "a run id (1-80 of A-Z a-z 0-9 _ . -, starting with a letter or digit)")
EXTERNAL_ID = (EXTERNAL_ID_RE, "an external id (2-1224 of letters, digits and +=,.@:/-_)")

Pattern = tuple["re.Pattern[str]", str]


def _shown(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _type_name(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number" if isinstance(value, int | float) else type(value).__name__)


def join(parent: str, child: str) -> str:
    """The path of key `child` under `parent` ("" is the document root).

    Plain keys use dots (``checks.params.ec2-instance-idle``); any other key is quoted
    JSON-style (``accounts["my key"]``) so the path stays unambiguous and never empty.
    """
    if _PLAIN_KEY_RE.fullmatch(child):
        return f"{parent}.{child}" if parent else child
    return f"{parent}[{json.dumps(child)}]"


def expect_object(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputValidationError(field, f"expected an object, got {_type_name(value)}")
    return value


def json_setting(text: str | None, field: str) -> Any:
    """The JSON value of an environment setting, None when it is missing or blank."""
    if not text or not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise InputValidationError(field, f"is not valid JSON: {exc}") from exc


def reject_unknown(document: Mapping[str, Any], allowed: Iterable[str], field: str) -> None:
    allowed = tuple(allowed)
    for key in document:
        if key not in allowed:
            raise InputValidationError(join(field, str(key)), f"unknown field (allowed: {', '.join(allowed)})")


def expect_string(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise InputValidationError(field, f"expected a string, got {_type_name(value)}")
    return value


def matching(value: Any, field: str, pattern: Pattern) -> str:
    regex, what = pattern
    text = expect_string(value, field)
    if not regex.fullmatch(text):
        raise InputValidationError(field, f"{_shown(text)} is not {what}")
    return text


def matching_list(value: Any, field: str, pattern: Pattern) -> tuple[str, ...]:
    """A list of strings each matching `pattern`; duplicates removed, sorted (order carries no meaning)."""
    if not isinstance(value, list | tuple):
        raise InputValidationError(field, f"expected an array of strings, got {_type_name(value)}")
    return tuple(sorted({matching(item, f"{field}[{index}]", pattern) for index, item in enumerate(value)}))


def role(value: Any, field: str) -> str:
    """An IAM role name, or a full role ARN."""
    text = expect_string(value, field)
    if text.startswith("arn:"):
        if not ROLE_ARN_RE.fullmatch(text):
            raise InputValidationError(
                field, f"{_shown(text)} is not an IAM role ARN (arn:aws:iam::<account>:role/...)"
            )
        return text
    if not ROLE_NAME_RE.fullmatch(text):
        raise InputValidationError(
            field, f"{_shown(text)} is not an IAM role name (1-64 of letters, digits and +=,.@_-) or role ARN"
        )
    return text


def preset_name(value: Any, field: str) -> str:
    from orgsweep.presets import PRESETS

    text = expect_string(value, field)
    if text not in PRESETS:
        choices = ", ".join(sorted(PRESETS))
        raise InputValidationError(field, f"unknown preset {_shown(text)} (choose one of: {choices})")
    return text


__all__ = [
    "ACCOUNT_ID",
    "ACCOUNT_ID_RE",
    "EXTERNAL_ID",
    "EXTERNAL_ID_RE",
    "OU_ID",
    "OU_ID_RE",
    "REGION",
    "REGION_RE",
    "ROLE_ARN_RE",
    "ROLE_NAME_RE",
    "RUN_ID",
    "RUN_ID_RE",
    "expect_object",
    "expect_string",
    "join",
    "matching",
    "matching_list",
    "preset_name",
    "reject_unknown",
    "role",
]
