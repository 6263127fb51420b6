"""A seeded demo fleet behind the fault proxy, and sweeps of it, for the fault tests.

The fleet is seeded straight into moto; every scan goes through the FaultProxy (real HTTP),
so what the scanner sees is what AWS would send: throttling errors, AccessDenied, disabled
regions, latency. Tables are read back with orgsweep_local.demo.scoring.read_table (DuckDB).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orgsweep.clock import SYSTEM_CLOCK, Clock
from orgsweep.pipeline.execution_input import parse_execution_input
from orgsweep.storage import LocalStorage
from orgsweep_local.demo import DemoServer, FleetSpec, GroundTruth, SeededFleet, scoped_environ, seed_fleet
from orgsweep_local.demo.faults import FaultPlan, FaultProxy, Outcome, RequestRecord
from orgsweep_local.engine import EngineResult, LocalEngine

#: A finding as the fault tests compare it: what was found, not when.
FindingKey = tuple[str, str, str, str, str]


@dataclass
class FaultFleet:
    server: DemoServer
    fleet: SeededFleet
    truth: GroundTruth
    proxy: FaultProxy

    @property
    def member_ids(self) -> list[str]:
        return self.fleet.account_ids

    def document(self, run_id: str, *, regions: Sequence[str] | None = None, **fields: Any) -> dict[str, Any]:
        """The execution input of a sweep of the member accounts (the hub holds no resources)."""
        return {
            "run_id": run_id,
            "regions": {"include": list(regions or self.fleet.regions)},
            "accounts": {"exclude": [self.fleet.management_account_id]},
            **fields,
        }

    def sweep(
        self,
        root: Path,
        run_id: str,
        plan: FaultPlan | None = None,
        *,
        clock: Clock = SYSTEM_CLOCK,
        regions: Sequence[str] | None = None,
        **fields: Any,
    ) -> EngineResult:
        """One local-engine run under `plan`; the proxy's records then hold exactly this run's requests."""
        self.proxy.configure(plan or FaultPlan())
        self.proxy.clear_records()
        engine = LocalEngine(self.server.session(), LocalStorage(root), clock=clock)
        return engine.run(parse_execution_input(self.document(run_id, regions=regions, **fields)))

    def member_requests(self) -> list[RequestRecord]:
        """Requests the cells made with member credentials (sts:AssumeRole is the hub's call)."""
        members = set(self.member_ids)
        return [r for r in self.proxy.records() if r.account_id in members and r.service != "sts"]


@contextmanager
def fault_fleet(spec: FleetSpec) -> Iterator[FaultFleet]:
    """Seed `spec` into an embedded moto server and point every boto3 client at a FaultProxy before it."""
    with DemoServer() as server:
        fleet, truth = seed_fleet(server.endpoint_url, server.session(), spec)
        with FaultProxy(server.endpoint_url) as proxy, scoped_environ({"AWS_ENDPOINT_URL": proxy.endpoint_url}):
            yield FaultFleet(server, fleet, truth, proxy)


def finding_keys(rows: Sequence[dict[str, Any]]) -> set[FindingKey]:
    return {(r["account_id"], r["region"], r["check_id"], r["resource_id"], r["verdict"]) for r in rows}


def outcomes(records: Sequence[RequestRecord], outcome: Outcome) -> list[RequestRecord]:
    return [r for r in records if r.outcome is outcome]


__all__ = ["FaultFleet", "FindingKey", "fault_fleet", "finding_keys", "outcomes"]
