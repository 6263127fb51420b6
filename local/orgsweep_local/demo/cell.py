"""One (account, region) of the demo fleet while it is being seeded."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from orgsweep.types import Verdict
from orgsweep_local.demo.ground_truth import Expectation, GroundTruth
from orgsweep_local.demo.history import MetricHistory
from orgsweep_local.demo.org import MemberSession
from orgsweep_local.demo.types import SeededAccount


@dataclass(slots=True)
class Network:
    """The cell's VPC: two subnets in two AZs and the security groups resources use."""

    vpc_id: str
    subnet_ids: tuple[str, str]
    app_sg: str  # attached to the busy instances
    lb_sg: str  # attached to no ENI, but referenced by app_sg's ingress rule


@dataclass(slots=True)
class SeedCell:
    account: SeededAccount
    region: str
    session: MemberSession  # clients inside the member account
    endpoint_url: str
    now: datetime
    rng: random.Random
    truth: GroundTruth
    history: MetricHistory
    history_days: int
    network: Network | None = None
    #: instance ids by scenario, for resources that attach to them (targets, EIPs, volumes).
    busy_instances: list[str] = field(default_factory=list)
    idle_instances: list[str] = field(default_factory=list)
    _clients: dict[str, Any] = field(default_factory=dict)
    _serial: int = 0

    @property
    def account_id(self) -> str:
        return self.account.account_id

    @property
    def net(self) -> Network:
        if self.network is None:
            raise RuntimeError("seed the network of the cell first")
        return self.network

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.session.client(
                service, region_name=self.region, endpoint_url=self.endpoint_url
            )
        return self._clients[service]

    def days_ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)

    def name(self, base: str) -> str:
        """A readable, unique-in-the-cell resource name: <team>-<base>-<n>."""
        self._serial += 1
        team = self.account.name.split("-", 1)[-1]
        return f"{team}-{base}-{self._serial}"

    def tags(self, name: str, **extra: str) -> list[dict[str, str]]:
        base = {"Name": name, "team": self.account.name.split("-", 1)[-1], "env": self.account.name.split("-")[0]}
        base.update(extra)
        return [{"Key": k, "Value": v} for k, v in sorted(base.items())]

    def expect(
        self, check_id: str, resource_id: str, verdict: Verdict, scenario: str, *aliases: str
    ) -> None:
        self.truth.add(
            Expectation(
                account_id=self.account_id,
                region=self.region,
                check_id=check_id,
                resource_id=resource_id,
                verdict=verdict,
                scenario=scenario,
                aliases=tuple(a for a in aliases if a and a != resource_id),
            )
        )


__all__ = ["Network", "SeedCell"]
