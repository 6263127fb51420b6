"""A run's summary.json, accumulated while the aggregator streams the cells.

Memory is O(checks + accounts + top N), never O(findings). The output depends only on
the run's data (no wall-clock "now"), so re-aggregating a run writes identical bytes.
Costs add up `flagged` findings only: `insufficient_data` is not a confirmed idle resource.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from orgsweep.types import Verdict

SUMMARY_FORMAT = "orgsweep.summary/1"
TOP_N = 20
_TOP_FIELDS = ("account_id", "account_name", "region", "check_id", "resource_type", "resource_id", "resource_arn")


def _money(value: float) -> float:
    return round(value, 6)


class TopFindings:
    """The N costliest flagged findings; ties broken by account, region, check, resource (deterministic)."""

    def __init__(self, size: int = TOP_N) -> None:
        self.size = size
        self._items: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def offer(self, cost: float, row: Mapping[str, Any]) -> None:
        key = (-cost, row["account_id"], row["region"], row["check_id"], row["resource_id"])
        self._items.append((key, {f: row[f] for f in _TOP_FIELDS} | {"monthly_cost_usd": _money(cost)}))
        if len(self._items) >= 4 * self.size:
            self._prune()

    def _prune(self) -> None:
        self._items = sorted(self._items, key=lambda item: item[0])[: self.size]

    def result(self) -> list[dict[str, Any]]:
        self._prune()
        return [row for _key, row in self._items]


class SummaryBuilder:
    def __init__(self, run_id: str, day: str, created_at: datetime | None, top_n: int = TOP_N) -> None:
        self.run_id = run_id
        self.day = day
        self.created_at = created_at
        self.cells_by_status: Counter[str] = Counter()
        self.cells_by_outcome: Counter[str] = Counter()
        self.coverage_by_status: Counter[str] = Counter()
        self.findings_by_check: dict[str, Counter[str]] = defaultdict(Counter)
        self.cost_by_check: dict[str, float] = defaultdict(float)
        self.cost_by_account: dict[str, float] = defaultdict(float)
        self.account_names: dict[str, str] = {}
        self.inventory_by_type: Counter[str] = Counter()
        self.api: Counter[str] = Counter()
        self.top = TopFindings(top_n)
        self.first_start: datetime | None = None
        self.last_finish: datetime | None = None
        self.cell_seconds = 0.0
        self.findings = 0
        self.inventory = 0
        self.extra: dict[str, Any] = {}

    def add_cell(self, status: str, outcome: str) -> None:
        """One manifest cell: its overall status and how we learned it (output/crashed/no_output/unreadable)."""
        self.cells_by_status[status] += 1
        self.cells_by_outcome[outcome] += 1

    def add_timing(self, started_at: datetime, finished_at: datetime) -> None:
        self.first_start = started_at if self.first_start is None else min(self.first_start, started_at)
        self.last_finish = finished_at if self.last_finish is None else max(self.last_finish, finished_at)
        self.cell_seconds += max((finished_at - started_at).total_seconds(), 0.0)

    def add_findings(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.findings += 1
            check_id, verdict = row["check_id"], row["verdict"]
            self.findings_by_check[check_id][verdict] += 1
            if verdict != Verdict.FLAGGED:
                continue
            cost = float(row["monthly_cost_usd"] or 0.0)
            self.cost_by_check[check_id] += cost
            self.cost_by_account[row["account_id"]] += cost
            self.account_names.setdefault(row["account_id"], row["account_name"])
            self.top.offer(cost, row)

    def add_inventory(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.inventory += 1
            self.inventory_by_type[row["resource_type"]] += 1

    def add_coverage(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.coverage_by_status[row["status"]] += 1
            for name in ("api_calls", "throttles", "retries"):
                self.api[name] += row[name] or 0

    def _duration(self) -> dict[str, Any]:
        if self.first_start is None or self.last_finish is None:
            return {"first_cell_started_at": None, "last_cell_finished_at": None, "wall_s": None, "cell_s_total": 0.0}
        return {
            "first_cell_started_at": self.first_start.isoformat(),
            "last_cell_finished_at": self.last_finish.isoformat(),
            "wall_s": round((self.last_finish - self.first_start).total_seconds(), 3),
            "cell_s_total": round(self.cell_seconds, 3),
        }

    def build(self) -> dict[str, Any]:
        by_check = {
            check_id: {
                "findings": sum(counts.values()),
                "flagged": counts[Verdict.FLAGGED],
                "insufficient_data": counts[Verdict.INSUFFICIENT_DATA],
                "monthly_cost_usd": _money(self.cost_by_check.get(check_id, 0.0)),
            }
            for check_id, counts in sorted(self.findings_by_check.items())
        }
        by_account = {
            account_id: {"account_name": self.account_names[account_id], "monthly_cost_usd": _money(cost)}
            for account_id, cost in sorted(self.cost_by_account.items())
        }
        return {
            "format": SUMMARY_FORMAT,
            "run_id": self.run_id,
            "dt": self.day,
            "created_at": None if self.created_at is None else self.created_at.isoformat(),
            "cells": {
                "total": sum(self.cells_by_outcome.values()),
                "by_status": dict(sorted(self.cells_by_status.items())),
                "by_outcome": dict(sorted(self.cells_by_outcome.items())),
            },
            "coverage_rows_by_status": dict(sorted(self.coverage_by_status.items())),
            "findings": {"total": self.findings, "by_check": by_check},
            "inventory": {"total": self.inventory, "by_resource_type": dict(sorted(self.inventory_by_type.items()))},
            "estimated_monthly_cost_usd": {
                "total": _money(sum(self.cost_by_check.values())),
                "by_check": {k: _money(v) for k, v in sorted(self.cost_by_check.items())},
                "by_account": by_account,
            },
            "top_findings_by_cost": self.top.result(),
            "api": {name: self.api[name] for name in ("api_calls", "throttles", "retries")},
            "duration": self._duration(),
            **self.extra,
        }

    def to_json_bytes(self) -> bytes:
        return json.dumps(self.build(), indent=2, sort_keys=True, ensure_ascii=False).encode() + b"\n"


__all__ = ["SUMMARY_FORMAT", "TOP_N", "SummaryBuilder", "TopFindings"]
