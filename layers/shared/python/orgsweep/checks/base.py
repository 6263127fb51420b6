"""The Check base class: a small declaration plus discover → (metric queries) → evaluate.

Checks never call CloudWatch: they declare the `MetricQuery`s a resource needs and the
cell's batcher fetches every query of every check in the fewest GetMetricData calls.
A cell runs in three phases: every check's `discover`, one batched metric fetch,
then every check's `evaluate`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from orgsweep.checks.params import NoParams, build_params, param_defaults
from orgsweep.checks.types import CheckContext, Evaluation, Resource
from orgsweep.metrics.types import MetricQuery, MetricSeries


class Check(ABC):
    id: ClassVar[str]
    resource_type: ClassVar[str]
    description: ClassVar[str]
    #: IAM actions the check calls (the member role's policy is generated from these).
    permissions: ClassVar[tuple[str, ...]]
    #: Frozen dataclass of params with defaults.
    Params: ClassVar[type[Any]] = NoParams

    def __init__(self, params: Any | None = None) -> None:
        self.params = params if params is not None else self.Params()

    @classmethod
    def from_raw_params(cls, raw: Mapping[str, Any] | None) -> Check:
        return cls(build_params(cls.id, cls.Params, raw))

    @classmethod
    def default_params(cls) -> dict[str, Any]:
        return param_defaults(cls.Params)

    @abstractmethod
    def discover(self, ctx: CheckContext) -> Iterable[Resource]:
        """List the resources this check evaluates (paginated AWS calls through ctx.client)."""

    def metric_queries(self, resource: Resource) -> Sequence[MetricQuery]:
        """Metric series `evaluate` needs for `resource`; none by default."""
        return ()

    @abstractmethod
    def evaluate(
        self, resource: Resource, metrics: Mapping[MetricQuery, MetricSeries], ctx: CheckContext
    ) -> Evaluation:
        """Decide on one resource. `metrics` holds a series for each of its metric_queries."""


__all__ = ["Check"]
