"""lambda-function-unused: a function invoked at most `max_invocations` times in the lookback.

Sum of Invocations (dimension FunctionName) over `lookback_days`; CloudWatch publishes
nothing on a day without invocations, so a missing day is zero. ListFunctions returns
no tags and ListTags per function would cost one call each, so tags come from one
paginated Resource Groups Tagging API GetResources call for the region's functions.
An unused function has no fixed charge (provisioned concurrency is not priced here).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from orgsweep.checks import daily, pricing
from orgsweep.checks.registry import register
from orgsweep.checks.rules import TotalOverWindowCheck
from orgsweep.checks.support import arn, as_utc, paginate, tag_dict
from orgsweep.checks.types import CheckContext, Resource
from orgsweep.clock import iso_utc


@dataclass(frozen=True)
class LambdaFunctionUnusedParams:
    lookback_days: int = daily.lookback_param(30)
    max_invocations: int = 0


@register
class LambdaFunctionUnused(TotalOverWindowCheck):
    id = "lambda-function-unused"
    resource_type = "AWS::Lambda::Function"
    description = "Lambda function invoked at most max_invocations times over the lookback."
    permissions = ("lambda:ListFunctions", "tag:GetResources")
    Params = LambdaFunctionUnusedParams
    namespace = "AWS/Lambda"
    metric_name = "Invocations"
    statistic = "Sum"
    limit_param = "max_invocations"
    verb = "was invoked {} times"

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
                    "last_modified": iso_utc(as_utc(fn.get("LastModified"))),
                    "code_size_bytes": fn.get("CodeSize"),
                },
            )

    def metric_dimensions(self, resource: Resource) -> Mapping[str, str]:
        return {"FunctionName": resource.resource_id}

    def subject(self, resource: Resource) -> str:
        return f"Lambda function {resource.resource_id}"

    def cost(self, resource: Resource) -> pricing.CostEstimate:
        return pricing.NO_COST


__all__ = ["LambdaFunctionUnused", "LambdaFunctionUnusedParams"]
