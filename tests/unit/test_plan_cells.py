"""Cell ordering and manifest writing at full scale (34,000 cells), without AWS."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from orgsweep.clock import FakeClock
from orgsweep.pipeline.exceptions import ManifestError
from orgsweep.pipeline.execution_input import parse_execution_input
from orgsweep.pipeline.fleet import Account, enabled_regions
from orgsweep.pipeline.manifest import read_manifest
from orgsweep.pipeline.plan import build_cells, write_plan
from orgsweep.storage import LocalStorage
from tests.plan_fixtures import probe_checks

pytestmark = pytest.mark.unit

CLOCK = FakeClock(datetime(2026, 11, 22, 3, 15, tzinfo=UTC))
REGIONS = [f"{geo}-{side}-{n}" for geo in ("ap", "eu", "us") for side in ("east", "west") for n in (1, 2, 3)]


@pytest.fixture(autouse=True)
def _checks() -> Iterator[None]:
    with probe_checks():
        yield


def test_cells_order_by_priority_then_name_then_id_then_region() -> None:
    accounts = [
        (Account("300000000000", "beta"), 1),
        (Account("200000000000", "alpha"), 1),
        (Account("100000000000", "alpha"), 1),
        (Account("900000000000", "zulu"), 0),
    ]
    cells = build_cells(accounts, ["us-east-1", "eu-west-1"])
    assert [(c.priority, c.account_name, c.account_id, c.region) for c in cells] == [
        (0, "zulu", "900000000000", "eu-west-1"),
        (0, "zulu", "900000000000", "us-east-1"),
        (1, "alpha", "100000000000", "eu-west-1"),
        (1, "alpha", "100000000000", "us-east-1"),
        (1, "alpha", "200000000000", "eu-west-1"),
        (1, "alpha", "200000000000", "us-east-1"),
        (1, "beta", "300000000000", "eu-west-1"),
        (1, "beta", "300000000000", "us-east-1"),
    ]


def test_34000_cells_go_to_the_manifest_and_the_result_stays_tiny(tmp_path: Path) -> None:
    rng = random.Random(3)
    ids = rng.sample(range(10**11, 10**12), 2000)
    accounts = [(Account(str(i), f"acct-{rng.randrange(500):03d}"), 0 if n % 97 == 0 else 1) for n, i in enumerate(ids)]
    regions = REGIONS[:17]
    cells = build_cells(accounts, regions)
    assert len(cells) == 34_000

    execution_input = parse_execution_input({"run_id": "big"}, clock=CLOCK)
    result = write_plan(execution_input, cells, storage=LocalStorage(tmp_path), clock=CLOCK)
    assert result.cell_count == 34_000
    assert len(json.dumps(result.to_dict())) < 1024

    manifest = read_manifest(LocalStorage(tmp_path), "big")
    assert manifest == cells
    keys = [(c.priority, c.account_name, c.account_id, c.region) for c in manifest]
    assert keys == sorted(keys)
    assert manifest[0].priority == 0 and manifest[-1].priority == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{", "is not JSON"),
        (b"{}", "is not a JSON array of cells"),
        (b'[{"account_id": "1", "region": "us-east-1"}]', "item 0: cell.account_id: must be 12 digits"),
    ],
)
def test_malformed_manifest_is_a_manifest_error(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "manifests/r").mkdir(parents=True)
    (tmp_path / "manifests/r/cells.json").write_bytes(content)
    with pytest.raises(ManifestError, match=message):
        read_manifest(LocalStorage(tmp_path), "r")


def test_missing_manifest_is_a_manifest_error(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="run 'nope' has no manifest"):
        read_manifest(LocalStorage(tmp_path), "nope")


class _Regions:
    def __init__(self, regions: list[dict[str, str]]) -> None:
        self.regions = regions
        self.calls: list[dict[str, Any]] = []

    def describe_regions(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return {"Regions": self.regions}


def test_enabled_regions_keep_opted_in_and_not_required_only() -> None:
    client = _Regions(
        [
            {"RegionName": "us-east-1", "OptInStatus": "opt-in-not-required"},
            {"RegionName": "af-south-1", "OptInStatus": "opted-in"},
            {"RegionName": "me-south-1", "OptInStatus": "not-opted-in"},
        ]
    )
    assert enabled_regions(client) == ["af-south-1", "us-east-1"]
    assert client.calls == [
        {"AllRegions": True, "Filters": [{"Name": "opt-in-status", "Values": ["opt-in-not-required", "opted-in"]}]}
    ]
