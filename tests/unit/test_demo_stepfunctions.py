"""The demo's template adjustments for moto."""

from __future__ import annotations

import json

import pytest

from orgsweep_local.demo.stepfunctions import MOTO_RESULT_WRITER_PREFIX, moto_compatible

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

