"""Reading synthesized templates without hashed logical ids: follow references, resolve intrinsics."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

PARTITION, REGION, ACCOUNT = "aws", "us-east-1", "123456789012"
STACK_ID = f"arn:{PARTITION}:cloudformation:{REGION}:{ACCOUNT}:stack/OrgSweep/6f1c2d3e-0000-4000-8000-000000000000"
PSEUDO = {
    "AWS::Partition": PARTITION,
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT,
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackId": STACK_ID,
    "AWS::StackName": "OrgSweep",
}
#: How a Ref/GetAtt of a resource is stood in for: (template, logical id, attribute or None) -> str.
Placeholder = Callable[[dict[str, Any], str, "str | None"], str]


def resources(template: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == type_}


def one(template: dict[str, Any], type_: str) -> tuple[str, dict[str, Any]]:
    found = resources(template, type_)
    assert len(found) == 1, f"expected one {type_}, found {sorted(found)}"
    return next(iter(found.items()))


def placeholder(template: dict[str, Any], logical_id: str, attribute: str | None = None) -> str:
    """A stand-in value for Ref/GetAtt of a resource, shaped like the real thing where it matters."""
    type_ = template["Resources"][logical_id]["Type"]
    if type_ == "AWS::Lambda::Function":
        return f"arn:aws:lambda:us-east-1:123456789012:function:{logical_id}"
    if type_ == "AWS::S3::Bucket":
        return f"arn:aws:s3:::{logical_id.lower()}" if attribute == "Arn" else logical_id.lower()
    return f"{logical_id}.{attribute}" if attribute else logical_id


def resolve(template: dict[str, Any], value: Any, placeholder: Placeholder = placeholder) -> Any:
    """Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split and Fn::Sub resolved to comparable strings.

    Resources become `placeholder(...)` values and pseudo parameters PSEUDO's; a reference to
    a template parameter stays as written (`{"Ref": name}`, or `${name}` inside a Sub).
    """

    def again(item: Any) -> Any:
        return resolve(template, item, placeholder)

    def ref(name: str) -> Any:
        if name in PSEUDO:
            return PSEUDO[name]
        return placeholder(template, name, None) if name in template["Resources"] else {"Ref": name}

    if isinstance(value, list):
        return [again(item) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        key, arg = next(iter(value.items()))
        if key == "Ref":
            return ref(arg)
        if key == "Fn::GetAtt":
            logical_id, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
            return placeholder(template, logical_id, attribute)
        if key == "Fn::Join":
            return arg[0].join(str(again(part)) for part in again(arg[1]))
        if key == "Fn::Split":
            return str(again(arg[1])).split(arg[0])
        if key == "Fn::Select":
            return again(arg[1])[int(arg[0])]
        if key == "Fn::Sub":
            text, names = (arg, {}) if isinstance(arg, str) else (arg[0], again(arg[1]))

            def variable(match: re.Match[str]) -> str:
                found = names[match[1]] if match[1] in names else ref(match[1])
                return match[0] if isinstance(found, dict) else str(found)

            return re.sub(r"\$\{([^}!]+)\}", variable, text)
    return {key: again(item) for key, item in value.items()}


def state_machine_definition(template: dict[str, Any]) -> dict[str, Any]:
    _, machine = one(template, "AWS::StepFunctions::StateMachine")
    definition: dict[str, Any] = json.loads(resolve(template, machine["Properties"]["DefinitionString"]))
    return definition


def function_by_service(template: dict[str, Any], service: str) -> tuple[str, dict[str, Any]]:
    """The Lambda function whose POWERTOOLS_SERVICE_NAME is `service` (e.g. orgsweep-plan)."""
    for logical_id, function in resources(template, "AWS::Lambda::Function").items():
        if function["Properties"]["Environment"]["Variables"].get("POWERTOOLS_SERVICE_NAME") == service:
            return logical_id, function
    raise AssertionError(f"no function with service name {service}")


def layer_versions(template: dict[str, Any]) -> dict[str, str]:
    """{construct id under `Layers` (Shared, Dependencies, Arrow): logical id} of the stack's layers."""
    found = {}
    for logical_id, layer in resources(template, "AWS::Lambda::LayerVersion").items():
        *_, construct_id, _resource = layer["Metadata"]["aws:cdk:path"].split("/")
        found[construct_id] = logical_id
    return found


def role_of(function: dict[str, Any]) -> str:
    """The logical id of a function's role, read from its Role property."""
    role = function["Properties"]["Role"]
    assert set(role) == {"Fn::GetAtt"} and role["Fn::GetAtt"][1] == "Arn", role
    return str(role["Fn::GetAtt"][0])


def statements_of_role(template: dict[str, Any], role_id: str) -> Iterator[dict[str, Any]]:
    """Every statement of every AWS::IAM::Policy attached to the role (inline policies included)."""
    role = template["Resources"][role_id]["Properties"]
    for policy in role.get("Policies", []):
        yield from policy["PolicyDocument"]["Statement"]
    for policy in resources(template, "AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"].get("Roles", []):
            yield from policy["Properties"]["PolicyDocument"]["Statement"]


def grants(template: dict[str, Any], role_id: str) -> set[tuple[str, str, str]]:
    """(action, resolved resource, condition JSON) for every Allow of the role."""
    out: set[tuple[str, str, str]] = set()
    for statement in statements_of_role(template, role_id):
        assert statement["Effect"] == "Allow"
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        targets = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        condition = json.dumps(resolve(template, statement.get("Condition", {})), sort_keys=True)
        for action in actions:
            for target in targets:
                out.add((action, str(resolve(template, target)), condition))
    return out


def nag_acknowledgements(template: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(logical id, rule id, reason) of every cdk-nag acknowledgement written into Metadata."""
    out = []
    for logical_id, resource in template["Resources"].items():
        for rule in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", []):
            out.append((logical_id, rule["id"], rule["reason"]))
    return out
