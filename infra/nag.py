"""cdk-nag acknowledgements (cdk-nag 3: CDK's native `Validations.of(construct).acknowledge`).

Every acknowledgement names the rule, says why in a full sentence and, for rules that
report several findings per resource (IAM5, IAM4), names the exact finding - e.g.
`AwsSolutions-IAM5[Resource::<Bucket.Arn>/raw/*]` - so a new wildcard elsewhere still fails.
The app writes them into template Metadata (`cdk_nag.rules_to_suppress`) as an audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable

from aws_cdk import Acknowledgment, CfnResource, Stack, Validations
from constructs import IConstruct

from infra.exceptions import NagSuppressionError, NoCfnResourceError

MIN_REASON_LENGTH = 20


def suppress(construct: IConstruct, rule: str, reason: str, *, findings: Iterable[str] = ()) -> None:
    """Acknowledge `rule` on `construct` and its children for `reason`.

    With `findings`, acknowledge only `rule[finding]` for each one (cdk-nag 3 has no
    rule-wide acknowledgement for multi-finding rules).
    """
    if len(reason) < MIN_REASON_LENGTH:
        raise NagSuppressionError(f"acknowledging {rule} needs a real reason, got {reason!r}")
    ids = [f"{rule}[{finding}]" for finding in findings] or [rule]
    Validations.of(construct).acknowledge(*(Acknowledgment(id=rule_id, reason=reason) for rule_id in ids))


def logical_id(construct: IConstruct) -> str:
    """The CloudFormation logical id of an L2 construct's main resource (or of an L1 resource)."""
    resource = construct if isinstance(construct, CfnResource) else construct.node.default_child
    if not isinstance(resource, CfnResource):
        raise NoCfnResourceError(f"{construct.node.path} has no CloudFormation resource")
    return Stack.of(resource).get_logical_id(resource)


def arn_finding(construct: IConstruct, suffix: str = "", attribute: str = "Arn") -> str:
    """How cdk-nag names a wildcard built on `construct`'s ARN, e.g. `Resource::<Bucket1234.Arn>/raw/*`."""
    return f"Resource::<{logical_id(construct)}.{attribute}>{suffix}"


__all__ = ["MIN_REASON_LENGTH", "arn_finding", "logical_id", "suppress"]
