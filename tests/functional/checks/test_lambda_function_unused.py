from __future__ import annotations

from typing import Any

import pytest

from orgsweep.checks import get_check
from orgsweep.types import Verdict
from tests.functional.checkkit import MotoContext, days, each_day, iam_role, lambda_zip, put_daily, run_check

pytestmark = pytest.mark.functional

CHECK = get_check("lambda-function-unused")


@pytest.fixture
def function_name(session: Any) -> str:
    # moto stores the function without running it; create_function needs the role to exist.
    session.client("lambda").create_function(
        FunctionName="nightly-report",
        Runtime="python3.12",
        Role=iam_role(session),
        Handler="handler.handler",
        Code={"ZipFile": lambda_zip()},
        Tags={"owner": "finance"},
    )
    return "nightly-report"


def _invocations(cw: Any, name: str, values: dict[Any, float]) -> None:
    put_daily(cw, "AWS/Lambda", "Invocations", {"FunctionName": name}, values)


def test_no_datapoints_means_never_invoked_and_is_flagged(ctx: MotoContext, function_name: str) -> None:
    run = run_check(CHECK(), ctx)
    resource, evaluation = run.only()
    assert resource.resource_arn == f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
    assert resource.tags == {"owner": "finance"}
    assert resource.attributes["runtime"] == "python3.12"
    assert evaluation.verdict is Verdict.FLAGGED
    assert evaluation.monthly_cost_usd == 0
    assert "was invoked 0 times in the last 30 days" in evaluation.reason
    assert evaluation.evidence["lookback_days"] == 30
    assert run.actions == {"lambda:ListFunctions", "tag:GetResources"}


def test_used_function_is_ok(cw: Any, ctx: MotoContext, function_name: str) -> None:
    _invocations(cw, function_name, each_day(30, 1_000))
    assert run_check(CHECK(), ctx).verdict(function_name) is Verdict.OK


def test_a_single_invocation_breaks_the_default_rule(cw: Any, ctx: MotoContext, function_name: str) -> None:
    _invocations(cw, function_name, {days(30)[0]: 1})
    assert run_check(CHECK(), ctx).verdict(function_name) is Verdict.OK


@pytest.mark.parametrize(("last_day", "verdict"), [(4, Verdict.FLAGGED), (5, Verdict.OK)])
def test_max_invocations_boundary_over_the_window(
    cw: Any, ctx: MotoContext, function_name: str, last_day: float, verdict: Verdict
) -> None:
    window = days(30)
    _invocations(cw, function_name, {window[0]: 3, window[10]: 3, window[-1]: last_day})  # total 10 or 11
    check = CHECK.from_raw_params({"max_invocations": 10})
    assert run_check(check, ctx).verdict(function_name) is verdict


def test_no_functions_makes_no_tag_call(ctx: MotoContext) -> None:
    run = run_check(CHECK(), ctx)
    assert run.resources == {}
    assert run.actions == {"lambda:ListFunctions"}
