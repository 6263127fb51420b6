"""Run every doctor check in order: identity, Organizations, the hub (stack, Lambda concurrency),
then the accounts. Nothing here prints; the CLI renders the Report."""

from __future__ import annotations

from typing import Any

from orgsweep.aws.clients import get_client
from orgsweep.clock import SYSTEM_CLOCK, Clock
from orgsweep_local.doctor.concurrency import check_lambda_concurrency, map_max_concurrency
from orgsweep_local.doctor.members import DEFAULT_WORKERS, check_members
from orgsweep_local.doctor.organization import identify, organization_access
from orgsweep_local.doctor.stack import check_stack
from orgsweep_local.doctor.targets import select_accounts
from orgsweep_local.doctor.types import CheckResult, DoctorOptions, Report


def _hub_concurrency(session: Any, options: DoctorOptions, caller_account: str, definition: str | None) -> CheckResult:
    deployed = map_max_concurrency(definition) if definition else None
    if deployed is not None:
        limit, source = deployed, "deployed state machine"
    else:
        limit, source = options.map_max_concurrency, options.map_max_concurrency_source
    return check_lambda_concurrency(get_client(session, "lambda", options.home_region),
                                    subject=f"{caller_account}\n{options.home_region}",
                                    max_concurrency=limit, source=source)


def run_doctor(
    session: Any, options: DoctorOptions, *, clock: Clock = SYSTEM_CLOCK, workers: int = DEFAULT_WORKERS
) -> Report:
    """Every check's result for the credentials of `session` (a boto3 Session).

    Raises InputValidationError for an --ou that does not exist in the organization.
    """
    region = options.home_region
    # One attempt: missing credentials or an unreachable endpoint should be one clear row, at once.
    identity_row, caller = identify(get_client(session, "sts", region, max_attempts=1))
    results = [identity_row]
    if caller is None:
        return Report(tuple(results))
    org_row, view = organization_access(get_client(session, "organizations", region), caller)
    results.append(org_row)
    definition = None
    if options.stack is not None:
        stack_rows, definition = check_stack(session, options.stack, region=region)
        results.extend(stack_rows)
    results.append(_hub_concurrency(session, options, caller.account_id, definition))
    if view is None and not options.accounts:
        return Report(tuple(results))  # nothing to check the member role in; the organizations row says why
    accounts, target_rows = select_accounts(view, options)
    results.extend(target_rows)
    results.extend(check_members(session, accounts, options, caller, clock=clock, workers=workers))
    return Report(tuple(results))


__all__ = ["run_doctor"]
