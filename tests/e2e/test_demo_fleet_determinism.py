"""The same seed builds the same demo fleet: ids, names, verdicts (moto's id generator is seeded too)."""

from __future__ import annotations

import pytest

from orgsweep_local.demo import DemoServer, FleetSpec, GroundTruth, seed_fleet

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180), pytest.mark.xdist_group("e2e-demo-determinism")]


def _seeded(seed: int) -> tuple[list[str], GroundTruth]:
    with DemoServer() as server:
        fleet, truth = seed_fleet(
            server.endpoint_url, server.session(), FleetSpec(accounts=1, regions=("eu-west-1",), seed=seed)
        )
    return fleet.account_ids, truth


def test_same_seed_same_fleet_and_ground_truth() -> None:
    accounts_a, truth_a = _seeded(5)
    accounts_b, truth_b = _seeded(5)
    assert accounts_a == accounts_b
    assert truth_a.to_json() == truth_b.to_json()
    assert len(truth_a.expectations) > 50
