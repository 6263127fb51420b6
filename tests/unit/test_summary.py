"""Summary accumulators: top-N order and ties, flagged-only costs, bounded memory."""

from __future__ import annotations

import random

import pytest

from orgsweep.pipeline.summary import SummaryBuilder, TopFindings
from orgsweep.pipeline.types import Cell
from tests.aggregate_fixtures import finding

pytestmark = pytest.mark.unit


def test_top_findings_keep_the_costliest_with_deterministic_ties() -> None:
    cells = [Cell(f"{n:012d}", f"acct-{n}", "us-east-1") for n in range(1, 4)]
    rows = [finding("r", cells[i % 3], "ebs-volume-unattached", f"vol-{i:03d}", cost=float(i % 7)) for i in range(200)]
    shuffled = rows[:]
    random.Random(5).shuffle(shuffled)
    results = []
    for order in (rows, shuffled):
        top = TopFindings(5)
        for row in order:
            top.offer(row["monthly_cost_usd"], row)
        results.append(top.result())
    assert results[0] == results[1]
    assert [(t["monthly_cost_usd"], t["account_id"][-1], t["resource_id"]) for t in results[0]] == [
        (6.0, "1", "vol-006"),
        (6.0, "1", "vol-027"),
        (6.0, "1", "vol-048"),
        (6.0, "1", "vol-069"),
        (6.0, "1", "vol-090"),
    ]


def test_top_findings_memory_stays_bounded() -> None:
    top = TopFindings(20)
    row = finding("r", Cell("111111111111", "a", "us-east-1"), "c", "v")
    for i in range(10_000):
        top.offer(float(i), row | {"resource_id": f"v{i}"})
        assert len(top._items) < 80


def test_costs_count_flagged_findings_only() -> None:
    cell = Cell("111111111111", "alpha", "us-east-1")
    builder = SummaryBuilder("r", "2026-11-22", None)
    builder.add_findings(
        [
            finding("r", cell, "c1", "a", cost=2.5),
            finding("r", cell, "c1", "b", verdict="insufficient_data", cost=100.0),
            finding("r", cell, "c2", "c", cost=0.1),
            finding("r", cell, "c2", "d", cost=0.2),
        ]
    )
    summary = builder.build()
    assert summary["estimated_monthly_cost_usd"] == {
        "total": 2.8,
        "by_check": {"c1": 2.5, "c2": 0.3},
        "by_account": {"111111111111": {"account_name": "alpha", "monthly_cost_usd": 2.8}},
    }
    assert summary["findings"]["by_check"]["c1"] == {
        "findings": 2,
        "flagged": 1,
        "insufficient_data": 1,
        "monthly_cost_usd": 2.5,
    }
    assert [t["resource_id"] for t in summary["top_findings_by_cost"]] == ["a", "d", "c"]
    assert summary["duration"]["wall_s"] is None
