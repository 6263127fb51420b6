"""Property: any JSON value parses to a valid ExecutionInput or raises InputValidationError — nothing else."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgsweep.clock import FakeClock
from orgsweep.pipeline import validation as v
from orgsweep.pipeline.defaults import RunDefaults
from orgsweep.pipeline.exceptions import InputValidationError
from orgsweep.pipeline.execution_input import ExecutionInput, parse_execution_input
from orgsweep.pipeline.types import Cell, RunSettings
from tests.plan_fixtures import PLAIN_ID, PROBE_ID, probe_checks

pytestmark = pytest.mark.unit

CLOCK = FakeClock(datetime(2026, 11, 22, 3, 15, tzinfo=UTC))
PROPS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module", autouse=True)
def _checks() -> Iterator[None]:
    with probe_checks():
        yield


json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


def maybe(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly valid values, sometimes null, sometimes any JSON at all."""
    return st.one_of(valid, valid, valid, st.none(), json_values)


account_ids = maybe(st.from_regex(r"[0-9]{12}", fullmatch=True) | st.sampled_from(["12345", "1234567890123", "abc"]))
ou_ids = maybe(st.from_regex(r"ou-[0-9a-z]{4}-[a-z0-9]{8}", fullmatch=True) | st.just("ou-AB-1"))
regions = maybe(st.sampled_from(["us-east-1", "eu-west-1", "us-gov-west-1", "us-isob-east-1", "US-EAST-1", "us-east"]))
check_ids = maybe(st.sampled_from([PROBE_ID, PLAIN_ID, "ebs-nope"]))
param_values = maybe(st.integers(-3, 100) | st.floats(-1, 100) | st.sampled_from(["5", True]))
params = st.dictionaries(
    st.sampled_from([PROBE_ID, PLAIN_ID, "ebs-nope"]) | st.text(max_size=8),
    maybe(st.dictionaries(st.sampled_from(["cpu_pct", "min_days", "cpu"]), param_values, max_size=3)),
    max_size=3,
)


def section(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    extra = st.dictionaries(st.sampled_from(["unknown", *fields]), json_values, max_size=1)
    document = st.fixed_dictionaries({}, optional=fields)
    return maybe(st.one_of(document, document, document, st.tuples(document, extra).map(lambda p: {**p[0], **p[1]})))


near_valid = st.fixed_dictionaries(
    {},
    optional={
        "run_id": maybe(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,85}", fullmatch=True)),
        "accounts": section(
            {
                "include": maybe(st.lists(account_ids, max_size=3)),
                "exclude": maybe(st.lists(account_ids, max_size=3)),
                "ous": maybe(st.lists(ou_ids, max_size=2)),
            }
        ),
        "regions": section(
            {"include": maybe(st.lists(regions, max_size=3)), "exclude": maybe(st.lists(regions, max_size=2))}
        ),
        "checks": section(
            {
                "include": maybe(st.lists(check_ids, max_size=2)),
                "exclude": maybe(st.lists(check_ids, max_size=2)),
                "params": maybe(params),
            }
        ),
        "preset": maybe(st.sampled_from(["default", "aggressive", "conservative", "fast"])),
        "role_name": maybe(st.from_regex(r"[A-Za-z0-9+=,.@_-]{1,70}", fullmatch=True)),
        "external_id": maybe(st.from_regex(r"[A-Za-z0-9+=,.@:/_ -]{1,30}", fullmatch=True)),
        "bogus": json_values,
    },
)


def parse_or_error(raw: Any) -> ExecutionInput | InputValidationError:
    try:
        return parse_execution_input(raw, RunDefaults(), clock=CLOCK, rng=random.Random(0))
    except InputValidationError as exc:
        return exc


def assert_well_formed(outcome: ExecutionInput | InputValidationError) -> None:
    if isinstance(outcome, InputValidationError):
        assert outcome.field
        assert outcome.problem
        assert str(outcome) == f"{outcome.field}: {outcome.problem}"
        return
    assert v.RUN_ID_RE.fullmatch(outcome.run_id)
    for values in (outcome.accounts_include, outcome.accounts_exclude, outcome.regions_include, outcome.ous):
        assert list(values) == sorted(set(values))
    # Every accepted (account, region) pair must also be a valid manifest Cell.
    for account in outcome.accounts_include or ("111111111111",):
        for region in outcome.regions_include or ("us-east-1",):
            Cell(account_id=account, account_name="x", region=region)
    settings_ = outcome.run_settings()
    assert RunSettings.from_dict(settings_.to_dict()) == settings_
    # Normalization is idempotent: the normalized document parses to the same input.
    assert parse_or_error(outcome.to_dict()) == outcome


@PROPS
@given(json_values)
def test_any_json_value_is_valid_or_a_validation_error(raw: Any) -> None:
    assert_well_formed(parse_or_error(raw))


@PROPS
@given(st.dictionaries(st.sampled_from(["run_id", "accounts", "regions", "checks", "preset"]), json_values, max_size=5))
def test_any_json_under_known_fields_is_valid_or_a_validation_error(raw: dict[str, Any]) -> None:
    assert_well_formed(parse_or_error(raw))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(near_valid)
def test_near_valid_documents_are_valid_or_a_validation_error(raw: dict[str, Any]) -> None:
    assert_well_formed(parse_or_error(raw))


@PROPS
@given(
    st.lists(st.from_regex(r"[0-9]{12}", fullmatch=True), max_size=4),
    st.lists(st.sampled_from(["us-east-1", "eu-west-1", "ap-south-2"]), max_size=3),
)
def test_valid_documents_are_always_accepted(accounts: list[str], region_names: list[str]) -> None:
    outcome = parse_or_error({"accounts": {"include": accounts}, "regions": {"include": region_names}})
    assert isinstance(outcome, ExecutionInput)
    assert outcome.accounts_include == tuple(sorted(set(accounts)))
