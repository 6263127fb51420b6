"""Seed a demo organization into a moto endpoint and record the ground truth.

For every member account and region the seeder creates, through an assumed-role session in
that account, idle and busy resources for each of the 16 checks (plus resources whose metrics
are missing), with CloudWatch history. Everything random comes from random.Random(seed)
streams derived per cell, and moto's own id generator is seeded by the demo server, so the
same seed builds the same fleet. Needs moto in this process (see `orgsweep_local.demo.fidelity`).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

from orgsweep.clock import SYSTEM_CLOCK, Clock
from orgsweep_local.demo.cell import SeedCell
from orgsweep_local.demo.exceptions import SeedError
from orgsweep_local.demo.ground_truth import GroundTruth
from orgsweep_local.demo.history import MetricHistory
from orgsweep_local.demo.org import create_organization, member_session
from orgsweep_local.demo.seed_data import seed_caches, seed_databases
from orgsweep_local.demo.seed_elb import seed_load_balancers
from orgsweep_local.demo.seed_instances import seed_addresses, seed_instances
from orgsweep_local.demo.seed_network import seed_interfaces, seed_nat_gateways, seed_network, seed_vpc_endpoints
from orgsweep_local.demo.seed_serverless import seed_clusters, seed_functions
from orgsweep_local.demo.seed_storage import seed_snapshots, seed_volumes
from orgsweep_local.demo.server import HUB_ACCOUNT_ID
from orgsweep_local.demo.types import FleetSpec, SeededAccount, SeededFleet

#: The member role orgsweep assumes; created in every member account with the generated policy.
MEMBER_ROLE_NAME = "OrgSweepReadOnly"

#: Called after each cell with (cells done, cells total, account name, region).
SeedProgress = Callable[[int, int, str, str], None]

_STEPS = (
    seed_interfaces,
    seed_instances,
    seed_addresses,
    seed_volumes,
    seed_snapshots,
    seed_nat_gateways,
    seed_vpc_endpoints,
    seed_load_balancers,
    seed_databases,
    seed_caches,
    seed_functions,
    seed_clusters,
)


def seed_fleet(
    endpoint_url: str,
    hub_session: Any,
    spec: FleetSpec | None = None,
    *,
    clock: Clock = SYSTEM_CLOCK,
    progress: SeedProgress | None = None,
) -> tuple[SeededFleet, GroundTruth]:
    """Create the organization, its accounts and every cell's resources; return the fleet and its ground truth."""
    spec = spec or FleetSpec()
    truth = GroundTruth()
    now = clock.now()
    try:
        org_id, management_id, root_id, ou_ids, accounts = create_organization(hub_session, endpoint_url, spec)
    except Exception as exc:
        raise SeedError(f"cannot create the demo organization at {endpoint_url}: {exc}") from exc
    total = len(accounts) * len(spec.regions)
    done = 0
    for account_index, account in enumerate(accounts):
        session = member_session(hub_session, endpoint_url, account.account_id)
        _member_role(session, endpoint_url)
        for region_index, region in enumerate(spec.regions):
            rng = random.Random(f"{spec.seed}:{account_index}:{region}")
            cloudwatch = session.client("cloudwatch", region_name=region, endpoint_url=endpoint_url)
            cell = SeedCell(
                account=account,
                region=region,
                session=session,
                endpoint_url=endpoint_url,
                now=now,
                rng=rng,
                truth=truth,
                history=MetricHistory(cloudwatch, now=now, points_per_day=spec.points_per_day, rng=rng),
                history_days=spec.history_days,
            )
            _seed_cell(cell, account_index * len(spec.regions) + region_index)
            done += 1
            if progress is not None:
                progress(done, total, account.name, region)
    fleet = SeededFleet(
        endpoint_url=endpoint_url,
        management_account_id=management_id,
        organization_id=org_id,
        root_id=root_id,
        accounts=tuple(accounts),
        regions=tuple(spec.regions),
        ou_ids=ou_ids,
    )
    return fleet, truth


def _seed_cell(cell: SeedCell, cidr_index: int) -> None:
    step_name = "network"
    try:
        seed_network(cell, cidr_index)
        for step in _STEPS:
            step_name = step.__name__
            step(cell)
        step_name = "metric history"
        cell.history.flush()
    except SeedError:
        raise
    except Exception as exc:
        where = f"{cell.account.name} ({cell.account_id}) {cell.region}"
        raise SeedError(f"seeding {step_name} in {where} failed: {exc}") from exc


def _member_role(session: Any, endpoint_url: str) -> None:
    """The read-only role orgsweep assumes, with the policy generated from the check registry."""
    from orgsweep.checks.policy import member_role_policy, member_role_trust_policy

    iam = session.client("iam", region_name="us-east-1", endpoint_url=endpoint_url)
    iam.create_role(
        RoleName=MEMBER_ROLE_NAME,
        AssumeRolePolicyDocument=json.dumps(member_role_trust_policy(HUB_ACCOUNT_ID)),
        Description="orgsweep read-only scanner role (demo)",
    )
    iam.put_role_policy(
        RoleName=MEMBER_ROLE_NAME, PolicyName="orgsweep-read-only", PolicyDocument=json.dumps(member_role_policy())
    )


__all__ = ["MEMBER_ROLE_NAME", "SeedProgress", "SeededAccount", "seed_fleet"]
