"""One cell's output: findings, inventory and coverage rows, gzipped JSON at a deterministic key.

This is the contract between the cell scanner (writer) and the aggregator (reader). Rows
are dicts keyed by the table columns of `orgsweep.tables.schemas` (without `dt`);
timestamps are ISO-8601 strings with an explicit UTC offset, or null.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from typing import Any

from orgsweep.pipeline.exceptions import RawCellFormatError
from orgsweep.storage.layout import raw_cell_key
from orgsweep.storage.types import Storage
from orgsweep.tables.schemas import COVERAGE, FINDINGS, INVENTORY

RAW_FORMAT = "orgsweep.raw/1"

Row = dict[str, Any]


@dataclass(slots=True)
class RawCellOutput:
    run_id: str
    account_id: str
    account_name: str
    region: str
    started_at: str
    finished_at: str
    status: str  # the cell's overall CoverageStatus value
    findings: list[Row] = field(default_factory=list)
    inventory: list[Row] = field(default_factory=list)
    coverage: list[Row] = field(default_factory=list)

    @property
    def key(self) -> str:
        return raw_cell_key(self.run_id, self.account_id, self.region)

    def to_json_bytes(self) -> bytes:
        document = {
            "format": RAW_FORMAT,
            "run_id": self.run_id,
            "account_id": self.account_id,
            "account_name": self.account_name,
            "region": self.region,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "status": self.status,
            "findings": self.findings,
            "inventory": self.inventory,
            "coverage": self.coverage,
        }
        return json.dumps(document, separators=(",", ":"), sort_keys=True, default=str).encode()

    def to_gzip(self) -> bytes:
        # mtime=0 keeps the bytes deterministic, so a re-run cell writes an identical object.
        return gzip.compress(self.to_json_bytes(), compresslevel=6, mtime=0)

    @classmethod
    def from_gzip(cls, data: bytes) -> RawCellOutput:
        try:
            document = json.loads(gzip.decompress(data))
        except (OSError, EOFError, ValueError) as exc:
            raise RawCellFormatError(f"raw cell output is not gzipped JSON: {exc}") from exc
        if not isinstance(document, dict) or document.get("format") != RAW_FORMAT:
            raise RawCellFormatError(f"raw cell output is not {RAW_FORMAT}")
        try:
            output = cls(
                run_id=document["run_id"],
                account_id=document["account_id"],
                account_name=document["account_name"],
                region=document["region"],
                started_at=document["started_at"],
                finished_at=document["finished_at"],
                status=document["status"],
                findings=list(document["findings"]),
                inventory=list(document["inventory"]),
                coverage=list(document["coverage"]),
            )
        except (KeyError, TypeError) as exc:
            raise RawCellFormatError(f"raw cell output lacks field {exc}") from exc
        for name, rows, schema in (
            ("findings", output.findings, FINDINGS),
            ("inventory", output.inventory, INVENTORY),
            ("coverage", output.coverage, COVERAGE),
        ):
            expected = set(schema.column_names)
            for row in rows:
                if not isinstance(row, dict) or set(row) != expected:
                    raise RawCellFormatError(f"a {name} row does not have exactly the columns {sorted(expected)}")
        return output

    def write(self, storage: Storage) -> str:
        """Write (or overwrite) this cell's raw object; return its key."""
        storage.put_bytes(self.key, self.to_gzip(), content_type="application/gzip")
        return self.key


def read_raw_cell(storage: Storage, key: str) -> RawCellOutput:
    return RawCellOutput.from_gzip(storage.get_bytes(key))


__all__ = ["RAW_FORMAT", "RawCellFormatError", "RawCellOutput", "Row", "read_raw_cell"]
