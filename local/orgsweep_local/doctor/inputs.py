"""The doctor's options, validated before any AWS call (a malformed one is exit 2)."""

from __future__ import annotations

from collections.abc import Sequence

from orgsweep.pipeline import validation as v
from orgsweep.pipeline.exceptions import InputValidationError
from orgsweep_local.doctor.exceptions import DoctorInputError
from orgsweep_local.doctor.settings import DEFAULT_SOURCE, DeploymentSettings
from orgsweep_local.doctor.types import DoctorOptions


def _each(values: Sequence[str], option: str, pattern: v.Pattern) -> tuple[str, ...]:
    checked = []
    for value in values:
        try:
            checked.append(v.matching(value, option, pattern))
        except InputValidationError as exc:
            raise DoctorInputError(str(exc)) from exc
    return tuple(dict.fromkeys(checked))  # keep the order given, drop repeats


def build_options(
    settings: DeploymentSettings,
    *,
    home_region: str,
    accounts: Sequence[str] = (),
    ous: Sequence[str] = (),
    regions: Sequence[str] = (),
    sample: int | None = None,
    role_name: str | None = None,
    external_id: str | None = None,
    stack: str | None = None,
) -> DoctorOptions:
    """Options over settings over built-in defaults; DoctorInputError names the bad option."""
    try:
        role = v.role(role_name if role_name is not None else settings.member_role_name, "--role-name")
        external = external_id if external_id is not None else settings.external_id
        if external is not None:
            v.matching(external, "--external-id", v.EXTERNAL_ID)
        v.matching(home_region, "region (AWS_REGION or the profile's region)", v.REGION)
    except InputValidationError as exc:
        raise DoctorInputError(str(exc)) from exc
    if sample is not None and sample < 1:
        raise DoctorInputError(f"--sample: expected at least 1 account, got {sample}")
    if stack is not None and not stack.strip():
        raise DoctorInputError("--stack: must not be empty")
    return DoctorOptions(
        role_name=role,
        home_region=home_region,
        external_id=external,
        accounts=_each(accounts, "--account", v.ACCOUNT_ID),
        ous=_each(ous, "--ou", v.OU_ID),
        regions=_each(regions, "--region", v.REGION) or settings.regions,
        sample=sample,
        stack=stack,
        map_max_concurrency=settings.map_max_concurrency,
        map_max_concurrency_source="built-in default" if settings.source == DEFAULT_SOURCE else "cdk.json",
    )


__all__ = ["build_options"]
