"""lambda-function-unused: a function invoked at most `max_invocations` times in the lookback.

Sum of Invocations (dimension FunctionName) over `lookback_days`; CloudWatch publishes
nothing on a day without invocations, so a missing day is zero. ListFunctions returns
no tags and ListTags per function would cost one call each, so tags come from one
paginated Resource Groups Tagging API GetResources call for the region's functions.
An unused function has no fixed charge (provisioned concurrency is not priced here).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from orgsweep.checks import daily, pricing
from orgsweep.checks.base import Check
from orgsweep.checks.registry import register
from orgsweep.checks.rules import total_over_window
from orgsweep.checks.support import arn, as_utc, iso, paginate, tag_dict
from orgsweep.checks.types import CheckContext, Evaluation, Resource
from orgsweep.metrics.types import MetricQuery, MetricSeries


@dataclass(frozen=True)
class LambdaFunctionUnusedParams:
    lookback_days: int = daily.lookback_param(30)
    max_invocations: int = 0


@register
class LambdaFunctionUnused(Check):
    id = "lambda-function-unused"
    resource_type = "AWS::Lambda::Function"
    description = "Lambda function invoked at most max_invocations times over the lookback."
    permissions = ("lambda:ListFunctions", "tag:GetResources")
    Params = LambdaFunctionUnusedParams

    def discover(self, ctx: CheckContext) -> Iterable[Resource]:
        functions = list(paginate(ctx.client("lambda"), "list_functions", "Functions"))
        if not functions:
            return
        tags = {
            mapping["ResourceARN"]: tag_dict(mapping.get("Tags"))
            for mapping in paginate(
                ctx.client("resourcegroupstaggingapi"),
                "get_resources",
                "ResourceTagMappingList",
                ResourceTypeFilters=["lambda:function"],
            )
        }
        for fn in functions:
            name = fn["FunctionName"]
            fn_arn = fn.get("FunctionArn") or arn(ctx, "lambda", f"function:{name}")
            yield Resource(
                resource_type=self.resource_type,
                resource_id=name,
                resource_arn=fn_arn,
                state=fn.get("State") or "Active",  # ListFunctions often omits State
                created_at=None,  # Lambda exposes no creation time, only LastModified
                tags=tags.get(fn_arn, {}),
                attributes={
                    "runtime": fn.get("Runtime"),
                    "memory_mb": fn.get("MemorySize"),
                    "package_type": fn.get("PackageType"),
                    "architectures": list(fn.get("Architectures", [])),
                    "last_modified": iso(as_utc(fn.get("LastModified"))),
                    "code_size_bytes": fn.get("CodeSize"),
                },
            )

    def _query(self, resource: Resource) -> MetricQuery:
        p: LambdaFunctionUnusedParams = self.params
        dims = {"FunctionName": resource.resource_id}
        return daily.daily_query("AWS/Lambda", "Invocations", dims, "Sum", p.lookback_days)

    def metric_queries(self, resource: Resource) -> Sequence[MetricQuery]:
        return (self._query(resource),)

    def evaluate(
        self, resource: Resource, metrics: Mapping[MetricQuery, MetricSeries], ctx: CheckContext
    ) -> Evaluation:
        p: LambdaFunctionUnusedParams = self.params
        return total_over_window(
            p,
            self._query(resource),
            metrics,
            ctx.now,
            limit=p.max_invocations,
            what=f"Lambda function {resource.resource_id}",
            verb="was invoked {} times",
            cost=pricing.NO_COST,
        )
