"""Role ARNs and role session names of orgsweep.aws.sessions."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orgsweep.aws import AwsConfigError, role_arn, role_session_name

pytestmark = pytest.mark.unit

ACCOUNT = "123456789012"


def test_role_name_becomes_an_arn() -> None:
    assert role_arn(ACCOUNT, "OrgSweepScan") == "arn:aws:iam::123456789012:role/OrgSweepScan"
    assert role_arn(ACCOUNT, "a+b=c,d.e@f_g-h", "aws-cn") == "arn:aws-cn:iam::123456789012:role/a+b=c,d.e@f_g-h"
    assert role_arn(ACCOUNT, "x" * 64, "aws-us-gov").endswith("/" + "x" * 64)


def test_role_arn_is_returned_as_is() -> None:
    for arn in (
        "arn:aws:iam::123456789012:role/OrgSweepScan",
        "arn:aws:iam::123456789012:role/service-role/scan/OrgSweepScan",
    ):
        assert role_arn(ACCOUNT, arn) == arn
    assert role_arn(ACCOUNT, "arn:aws-cn:iam::123456789012:role/R", "aws-cn") == "arn:aws-cn:iam::123456789012:role/R"


@pytest.mark.parametrize(
    ("account_id", "role", "partition", "message"),
    [
        ("12345678901", "R", "aws", "account id must be 12 digits"),
        ("1234567890123", "R", "aws", "account id must be 12 digits"),
        ("12345678901a", "R", "aws", "account id must be 12 digits"),
        (" 123456789012", "R", "aws", "account id must be 12 digits"),
        (ACCOUNT, "", "aws", "role must be"),
        (ACCOUNT, "has space", "aws", "invalid IAM role name"),
        (ACCOUNT, "path/Role", "aws", "invalid IAM role name"),
        (ACCOUNT, "x" * 65, "aws", "invalid IAM role name"),
        (ACCOUNT, "Rôle", "aws", "invalid IAM role name"),
        (ACCOUNT, "R", "AWS", "partition"),
        (ACCOUNT, "R", "", "partition"),
        (ACCOUNT, "arn:aws:iam::123456789012:user/Bob", "aws", "malformed IAM role ARN"),
        (ACCOUNT, "arn:aws:iam:us-east-1:123456789012:role/R", "aws", "malformed IAM role ARN"),
        (ACCOUNT, "arn:aws:iam::210987654321:role/R", "aws", "is in account 210987654321, not in 123456789012"),
        (ACCOUNT, "arn:aws-cn:iam::123456789012:role/R", "aws", "is in partition aws-cn, not in aws"),
    ],
)
def test_bad_input_is_named(account_id: str, role: str, partition: str, message: str) -> None:
    with pytest.raises(AwsConfigError, match=re.escape(message)):
        role_arn(account_id, role, partition)


def test_bad_input_is_also_a_value_error() -> None:
    with pytest.raises(ValueError, match="12 digits"):
        role_arn("1", "R")


def test_session_name_is_sanitized_and_bounded() -> None:
    assert role_session_name("20260115T120000Z-ab12") == "orgsweep-20260115T120000Z-ab12"
    assert role_session_name("2026-01-15T12:00:00+00:00 run/1") == "orgsweep-2026-01-15T12-00-00+00-00-run-1"
    assert role_session_name("r" * 200) == ("orgsweep-" + "r" * 200)[:64]


@given(st.text(max_size=120))
def test_session_name_always_satisfies_sts(run_id: str) -> None:
    name = role_session_name(run_id)
    assert re.fullmatch(r"[A-Za-z0-9_+=,.@-]{2,64}", name)
    assert name.startswith("orgsweep-")
