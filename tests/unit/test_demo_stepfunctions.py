"""The demo's template adjustments for moto, and finding the public layers a template references."""

from __future__ import annotations

import json

import pytest

from orgsweep_local.demo.stepfunctions import MOTO_RESULT_WRITER_PREFIX, moto_compatible, public_layers

pytestmark = pytest.mark.unit

DEFINITION = (
    '{"States":{"Sweep":{"Type":"Map","ToleratedFailurePercentage":10,"ResultWriter":{"Parameters":'
    '{"Bucket":"b","Prefix.$":"States.Format(\'results/{}\', $.plan.run_id)"}}}}}'
)


def _template(definition: str) -> str:
    return json.dumps({"Resources": {"Machine": {"Type": "AWS::StepFunctions::StateMachine",
                                                 "Properties": {"DefinitionString": definition}}}})


def test_moto_compatible_changes_only_the_two_known_gaps() -> None:
    adjusted = json.loads(moto_compatible(_template(DEFINITION)))
    definition = json.loads(adjusted["Resources"]["Machine"]["Properties"]["DefinitionString"])
    sweep = definition["States"]["Sweep"]
    assert sweep["ToleratedFailurePercentage"] == 10.0
    assert isinstance(sweep["ToleratedFailurePercentage"], float)
    assert sweep["ResultWriter"]["Parameters"] == {"Bucket": "b", "Prefix": MOTO_RESULT_WRITER_PREFIX}
    untouched = _template('{"States":{"A":{"Type":"Pass","End":true}}}')
    assert moto_compatible(untouched) == untouched


def test_public_layers_are_the_literal_layer_arns_of_functions() -> None:
    arn = "arn:${AWS::Partition}:lambda:${AWS::Region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:7"
    template = {
        "Resources": {
            "Fn": {"Type": "AWS::Lambda::Function",
                   "Properties": {"Layers": [{"Ref": "SharedLayer"}, {"Fn::Sub": arn}]}},
            "Other": {"Type": "AWS::SNS::Topic", "Properties": {"Layers": [{"Fn::Sub": arn.replace(":7", ":9")}]}},
        }
    }
    assert public_layers(template) == {("AWSLambdaPowertoolsPythonV3-python312-arm64", 7)}
