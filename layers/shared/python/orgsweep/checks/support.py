"""Small helpers every check uses: pagination, tags, ARNs, ages, evidence and reason text.

Evidence has one shape for every check so Athena can read it with the same JSON paths:
`metric`, `statistic`, `period`, `lookback_days`, `values` (ISO date → value, null for a
day without data), `thresholds` (the param values), `observed` (facts the verdict rests
on) and `cost` (how `monthly_cost_usd` was computed). Checks without metrics leave the
metric keys null. Every value is JSON-native (datetimes as ISO-8601 strings).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from orgsweep import clock
from orgsweep.checks.pricing import CostEstimate
from orgsweep.checks.types import CheckContext

SECONDS_PER_DAY = 86_400
BYTES_PER_MB = 1_000_000  # "MB" in params is decimal, as CloudWatch's network metrics are bytes
BYTES_PER_MIB = 1_048_576


# --- AWS calls -----------------------------------------------------------------------


def paginate(
    client: Any, operation: str, result_key: str, *, page_size: int | None = None, **kwargs: Any
) -> Iterator[Any]:
    """Every item of `result_key` over all pages of `operation` (through botocore's paginator)."""
    config = {"PageSize": page_size} if page_size else {}
    for page in client.get_paginator(operation).paginate(**kwargs, PaginationConfig=config):
        yield from page.get(result_key, [])


def chunks(items: Sequence[str], size: int) -> Iterator[list[str]]:
    """`items` in lists of at most `size` (API limits on ids or filter values per call)."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


# --- Tags and ARNs ---------------------------------------------------------------------


def tag_dict(tags: Iterable[Mapping[str, Any]] | Mapping[str, str] | None) -> dict[str, str]:
    """Tags as a plain dict, from a `[{"Key", "Value"}]` list (EC2, RDS, ELB) or a map (EKS)."""
    if not tags:
        return {}
    if isinstance(tags, Mapping):
        return {str(k): str(v) for k, v in tags.items()}
    return {str(t["Key"]): str(t.get("Value", "")) for t in tags}


def arn(ctx: CheckContext, service: str, resource: str, *, account: bool = True) -> str:
    """`arn:<partition>:<service>:<region>:<account>:<resource>` (account empty when not `account`)."""
    return f"arn:{ctx.partition}:{service}:{ctx.region}:{ctx.account_id if account else ''}:{resource}"


def ec2_arn(ctx: CheckContext, kind: str, resource_id: str) -> str:
    # Snapshots (like AMIs) have no account in their ARN.
    return arn(ctx, "ec2", f"{kind}/{resource_id}", account=kind != "snapshot")


# --- Time ------------------------------------------------------------------------------


def as_utc(value: datetime | str | None) -> datetime | None:
    """An aware UTC datetime from a botocore datetime or an ISO-8601 string.

    None, "" and unparseable strings give None: a timestamp we cannot read is unknown.
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return clock.as_utc(value)


def age_days(since: datetime | None, now: datetime) -> float | None:
    """Days from `since` to `now`, never negative (clock skew); None when `since` is unknown."""
    if since is None:
        return None
    return max(0.0, (now - since).total_seconds() / SECONDS_PER_DAY)


# --- Evidence and reasons --------------------------------------------------------------


def thresholds(params: Any) -> dict[str, Any]:
    """The param values of a check (its Params dataclass) as a dict."""
    if dataclasses.is_dataclass(params) and not isinstance(params, type):
        return dataclasses.asdict(params)
    return {}


def evidence(
    params: Any,
    *,
    metric: str | None = None,
    statistic: str | None = None,
    period: int | None = None,
    lookback_days: int | None = None,
    values: Mapping[str, Any] | None = None,
    cost: CostEstimate | None = None,
    **observed: Any,
) -> dict[str, Any]:
    """The evidence dict (see the module docstring for its shape)."""
    return {
        "metric": metric,
        "statistic": statistic,
        "period": period,
        "lookback_days": lookback_days,
        "values": dict(values or {}),
        "thresholds": thresholds(params),
        "observed": observed,
        "cost": None if cost is None else cost.basis,
    }


def fmt_number(value: float) -> str:
    """12 → "12", 12.345 → "12.35", 1234567 → "1,234,567"."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def fmt_days(days: float) -> str:
    whole = int(days)
    return f"{whole} day" if whole == 1 else f"{whole} days"


def fmt_bytes(value: float) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if value >= size:
            return f"{value / size:,.1f} {unit}"
    return f"{fmt_number(value)} bytes"


__all__ = [
    "BYTES_PER_MB",
    "BYTES_PER_MIB",
    "SECONDS_PER_DAY",
    "age_days",
    "arn",
    "as_utc",
    "chunks",
    "ec2_arn",
    "evidence",
    "fmt_bytes",
    "fmt_days",
    "fmt_number",
    "paginate",
    "tag_dict",
    "thresholds",
]
