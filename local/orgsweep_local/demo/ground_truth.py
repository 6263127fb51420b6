"""What the demo fleet should make orgsweep report: one expectation per (resource, check).

The seeder records, for every resource it creates and every check that evaluates that kind
of resource, the verdict a correct scan must reach: `flagged`, `insufficient_data` or `ok`
(`ok` resources must not appear in the findings table). `compare` scores findings against it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from orgsweep.types import Verdict
from orgsweep_local.demo.exceptions import GroundTruthFormatError

GROUND_TRUTH_FORMAT = "orgsweep_local.demo.ground-truth/1"


@dataclass(frozen=True, slots=True)
class Expectation:
    """The verdict `check_id` must reach on one resource. `aliases` are other ids it may be reported under
    (its ARN, its name), since a check picks which identifier it reports as resource_id."""

    account_id: str
    region: str
    check_id: str
    resource_id: str
    verdict: Verdict
    scenario: str
    aliases: tuple[str, ...] = ()

    @property
    def identifiers(self) -> frozenset[str]:
        return frozenset((self.resource_id, *self.aliases))

    def to_dict(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "region": self.region,
            "check_id": self.check_id,
            "resource_id": self.resource_id,
            "verdict": self.verdict.value,
            "scenario": self.scenario,
            "aliases": list(self.aliases),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Expectation:
        return cls(
            account_id=str(data["account_id"]),
            region=str(data["region"]),
            check_id=str(data["check_id"]),
            resource_id=str(data["resource_id"]),
            verdict=Verdict(data["verdict"]),
            scenario=str(data["scenario"]),
            aliases=tuple(str(a) for a in data.get("aliases", ())),
        )


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A finding that should not exist, or an expectation the findings do not meet."""

    account_id: str
    region: str
    check_id: str
    resource_id: str
    expected: str  # a Verdict value, or "absent" for an unexpected finding on an unseeded resource
    actual: str  # a Verdict value; "ok" means "no finding"
    scenario: str

    def __str__(self) -> str:
        return (
            f"{self.check_id} {self.account_id}/{self.region}/{self.resource_id} ({self.scenario}): "
            f"expected {self.expected}, got {self.actual}"
        )


@dataclass(frozen=True, slots=True)
class Comparison:
    matched: int
    mismatches: tuple[Mismatch, ...]
    expected_findings: int

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def by_kind(self) -> dict[str, int]:
        """Counts of mismatches as 'expected->actual' keys (e.g. 'flagged->ok' is a missed idle resource)."""
        return dict(Counter(f"{m.expected}->{m.actual}" for m in self.mismatches))


@dataclass(slots=True)
class GroundTruth:
    expectations: list[Expectation] = field(default_factory=list)

    def add(self, expectation: Expectation) -> None:
        self.expectations.append(expectation)

    def expected_findings(self) -> list[Expectation]:
        return [e for e in self.expectations if e.verdict is not Verdict.OK]

    def counts(self) -> dict[str, dict[str, int]]:
        """check_id -> verdict -> number of expectations."""
        out: dict[str, dict[str, int]] = {}
        for e in self.expectations:
            per_check = out.setdefault(e.check_id, {})
            per_check[e.verdict.value] = per_check.get(e.verdict.value, 0) + 1
        return dict(sorted(out.items()))

    def compare(
        self, findings: Iterable[Mapping[str, Any]], *, cells: Iterable[tuple[str, str]] | None = None
    ) -> Comparison:
        """Score findings rows (dicts with account_id, region, check_id, resource_id, resource_arn, verdict).

        With `cells` ((account_id, region) pairs), only expectations of those cells count: a
        scan that excluded some, or was cancelled before scanning them, says nothing about them.
        """
        wanted = set(cells) if cells is not None else None
        index: dict[tuple[str, str, str, str], Expectation] = {}
        for e in self.expectations:
            if wanted is None or (e.account_id, e.region) in wanted:
                for ident in e.identifiers:
                    index[(e.account_id, e.region, e.check_id, ident)] = e
        seen: dict[Expectation, str] = {}
        mismatches: list[Mismatch] = []
        for row in findings:
            key = (str(row["account_id"]), str(row["region"]), str(row["check_id"]))
            expectation = index.get((*key, str(row["resource_id"]))) or index.get((*key, str(row.get("resource_arn"))))
            actual = str(row["verdict"])
            if expectation is None:
                mismatches.append(Mismatch(*key, str(row["resource_id"]), "absent", actual, "unseeded"))
                continue
            seen[expectation] = actual
        matched = 0
        for e in {e for e in index.values()}:
            actual = seen.get(e, Verdict.OK.value)
            if actual == e.verdict.value:
                matched += 1
            else:
                mismatches.append(
                    Mismatch(e.account_id, e.region, e.check_id, e.resource_id, e.verdict.value, actual, e.scenario)
                )
        mismatches.sort(key=lambda m: (m.check_id, m.account_id, m.region, m.resource_id))
        expected = sum(1 for e in set(index.values()) if e.verdict is not Verdict.OK)
        return Comparison(matched=matched, mismatches=tuple(mismatches), expected_findings=expected)

    def to_json(self) -> str:
        document = {
            "format": GROUND_TRUTH_FORMAT,
            "expectations": [e.to_dict() for e in self.expectations],
        }
        return json.dumps(document, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> GroundTruth:
        document = json.loads(text)
        if document.get("format") != GROUND_TRUTH_FORMAT:
            raise GroundTruthFormatError(f"not a {GROUND_TRUTH_FORMAT} document")
        return cls([Expectation.from_dict(item) for item in document["expectations"]])


__all__ = ["GROUND_TRUTH_FORMAT", "Comparison", "Expectation", "GroundTruth", "Mismatch"]
