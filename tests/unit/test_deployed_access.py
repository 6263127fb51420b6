"""The deployed roles' constraint: an input role or external id they cannot use fails once, at parse time."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from orgsweep.clock import FakeClock
from orgsweep.pipeline.defaults import RunDefaults
from orgsweep.pipeline.deployed import DeployedAccess
from orgsweep.pipeline.exceptions import InputValidationError
from orgsweep.pipeline.execution_input import ExecutionInput, parse_execution_input
from tests.plan_fixtures import probe_checks

pytestmark = pytest.mark.unit

CLOCK = FakeClock(datetime(2026, 11, 22, 3, 15, tzinfo=UTC))
DEPLOYED = DeployedAccess(member_role_name="OrgSweepReadOnly")
WITH_EXTERNAL_ID = DeployedAccess(member_role_name="OrgSweepReadOnly", external_id="ext-4242")


@pytest.fixture(autouse=True)
def _checks() -> Iterator[None]:
    with probe_checks():
        yield


def parse(raw: dict[str, Any], deployed: DeployedAccess | None, defaults: RunDefaults | None = None) -> ExecutionInput:
    return parse_execution_input(raw, defaults, deployed=deployed, clock=CLOCK, rng=random.Random(3))


def error_of(
    raw: dict[str, Any], deployed: DeployedAccess, defaults: RunDefaults | None = None
) -> InputValidationError:
    with pytest.raises(InputValidationError) as info:
        parse(raw, deployed, defaults)
    return info.value


@pytest.mark.parametrize(
    "role",
    [
        "OrgSweepReadOnly",
        "arn:aws:iam::111111111111:role/OrgSweepReadOnly",
        "arn:aws:iam::222222222222:role/OrgSweepReadOnly",
    ],
)
def test_the_deployed_role_by_name_or_arn_is_accepted(role: str) -> None:
    assert parse({"role_name": role}, DEPLOYED).role_name == role


def test_an_omitted_role_takes_the_default_and_passes() -> None:
    defaults = RunDefaults(role_name="OrgSweepReadOnly")
    assert parse({}, DEPLOYED, defaults).role_name == "OrgSweepReadOnly"


@pytest.mark.parametrize(
    "role",
    [
        "SomethingElse",
        "orgsweepreadonly",  # IAM matches the Resource ARN case-sensitively
        "OrgSweepReadOnly2",
        "arn:aws:iam::111111111111:role/SomethingElse",
        "arn:aws:iam::111111111111:role/team/OrgSweepReadOnly",  # a path: not role/<name>
        "arn:aws-cn:iam::111111111111:role/OrgSweepReadOnly",  # another partition
    ],
)
def test_another_role_is_refused_naming_the_field_and_the_deployed_name(role: str) -> None:
    error = error_of({"role_name": role}, DEPLOYED)
    assert error.field == "role_name"
    assert "the deployed scan role may assume only roles named 'OrgSweepReadOnly'" in error.problem
    assert "arn:aws:iam::*:role/OrgSweepReadOnly" in error.problem
    assert "set role_name to 'OrgSweepReadOnly'" in error.problem
    assert "redeploy with member_role_name=" in error.problem


def test_the_message_suggests_the_requested_name_for_a_redeploy() -> None:
    assert "member_role_name='Auditor'" in error_of({"role_name": "Auditor"}, DEPLOYED).problem
    arn = "arn:aws:iam::111111111111:role/Auditor"
    assert "member_role_name='Auditor'" in error_of({"role_name": arn}, DEPLOYED).problem


def test_the_role_check_follows_the_deployed_partition() -> None:
    china = DeployedAccess(member_role_name="OrgSweepReadOnly", partition="aws-cn")
    assert parse({"role_name": "arn:aws-cn:iam::111111111111:role/OrgSweepReadOnly"}, china).role_name
    assert error_of({"role_name": "arn:aws:iam::111111111111:role/OrgSweepReadOnly"}, china).field == "role_name"


def test_without_a_deployment_any_role_and_external_id_pass() -> None:
    # the local engine: no deployed role constrains what it may assume
    result = parse({"role_name": "SomethingElse", "external_id": "anything"}, None)
    assert (result.role_name, result.external_id) == ("SomethingElse", "anything")


def test_the_deployed_external_id_may_be_omitted_or_repeated() -> None:
    defaults = RunDefaults(external_id="ext-4242")
    assert parse({}, WITH_EXTERNAL_ID, defaults).external_id == "ext-4242"
    assert parse({"external_id": None}, WITH_EXTERNAL_ID, defaults).external_id == "ext-4242"
    assert parse({"external_id": "ext-4242"}, WITH_EXTERNAL_ID, defaults).external_id == "ext-4242"


def test_another_external_id_is_refused_naming_the_field_and_the_deployed_value() -> None:
    error = error_of({"external_id": "ext-9999"}, WITH_EXTERNAL_ID, RunDefaults(external_id="ext-4242"))
    assert error.field == "external_id"
    assert "'ext-9999'" in error.problem
    assert "only with the external id 'ext-4242'" in error.problem
    assert "omit external_id" in error.problem


def test_an_external_id_is_allowed_when_the_deployment_has_none() -> None:
    # The member trust then has no sts:ExternalId condition, which makes STS ignore the value.
    assert parse({"external_id": "ext-9999"}, DEPLOYED).external_id == "ext-9999"


def test_a_mismatch_between_defaults_and_deployment_names_the_defaults() -> None:
    error = error_of({}, DEPLOYED, RunDefaults(role_name="Other"))
    assert error.field == "defaults.role_name"
    error = error_of({}, WITH_EXTERNAL_ID, RunDefaults())
    assert error.field == "defaults.external_id"
    assert "no external id" in error.problem


def test_the_role_is_checked_only_after_the_input_itself_is_valid() -> None:
    # a malformed input is reported as such, not as a role the deployment cannot use
    error = error_of({"role_name": "SomethingElse", "regions": {"include": ["mars-1"]}}, DEPLOYED)
    assert error.field == "regions.include[0]"


def test_from_json_reads_the_environment_value() -> None:
    text = json.dumps({"member_role_name": "Scanner", "external_id": "ext-1", "partition": "aws-us-gov"})
    deployed = DeployedAccess.from_json(text)
    assert deployed == DeployedAccess("Scanner", "ext-1", "aws-us-gov")
    assert deployed is not None and DeployedAccess.from_dict(deployed.to_dict()) == deployed
    assert DeployedAccess.from_json(None) is None
    assert DeployedAccess.from_json("  ") is None
    assert DeployedAccess.from_json('{"member_role_name": "Scanner"}') == DeployedAccess("Scanner")


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("{nope", "deployed"),
        ("[]", "deployed"),
        ("{}", "deployed.member_role_name"),
        ('{"member_role_name": "has space"}', "deployed.member_role_name"),
        ('{"member_role_name": "R", "external_id": "x"}', "deployed.external_id"),
        ('{"member_role_name": "R", "partition": "azure"}', "deployed.partition"),
        ('{"member_role_name": "R", "role": "R"}', "deployed.role"),
    ],
)
def test_a_bad_deployed_value_fails_naming_it(text: str, field: str) -> None:
    with pytest.raises(InputValidationError) as info:
        DeployedAccess.from_json(text)
    assert info.value.field == field
