"""What checks produce: resources (inventory) and evaluations (findings)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from orgsweep.types import Verdict


@dataclass(frozen=True, slots=True)
class Resource:
    """One resource a check looked at; becomes an inventory row."""

    resource_type: str  # CloudFormation-style type, e.g. "AWS::EC2::Volume"
    resource_id: str
    resource_arn: str
    state: str
    created_at: datetime | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A check's verdict on one resource. Only FLAGGED and INSUFFICIENT_DATA become findings."""

    verdict: Verdict
    reason: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    monthly_cost_usd: float = 0.0


class CheckContext(Protocol):
    """What a check may use while it runs in one (account, region) cell."""

    @property
    def account_id(self) -> str: ...

    @property
    def region(self) -> str: ...

    @property
    def partition(self) -> str: ...

    @property
    def now(self) -> datetime:
        """The cell's evaluation time (UTC); ages are measured against it."""
        ...

    def client(self, service: str) -> Any:
        """A rate-limited, retrying, counted boto3 client for `service` in this cell's region."""
        ...


__all__ = ["CheckContext", "Evaluation", "Resource"]
