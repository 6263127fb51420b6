"""A run's manifest (the Distributed Map's items) and its run metadata sidecar.

`manifests/<run_id>/cells.json` is fixed by DESIGN §4 as a bare JSON array of cells, so
what else the aggregator needs to be deterministic (the run's creation time, which fixes
the `dt` partition) lives beside it in `manifests/<run_id>/run.json`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from orgsweep.pipeline.exceptions import InvalidPipelineInputError, ManifestError
from orgsweep.pipeline.types import Cell
from orgsweep.storage.exceptions import StorageKeyNotFoundError
from orgsweep.storage.layout import manifest_key
from orgsweep.storage.types import Storage

RUN_METADATA_FORMAT = "orgsweep.run/1"


def run_metadata_key(run_id: str) -> str:
    return f"manifests/{run_id}/run.json"


def manifest_bytes(cells: Sequence[Cell]) -> bytes:
    # One cell per line: compact, yet readable and diff-able for a human.
    return ("[\n" + ",\n".join(json.dumps(c.to_dict(), separators=(",", ":")) for c in cells) + "\n]\n").encode()


def write_manifest(storage: Storage, run_id: str, cells: Sequence[Cell]) -> str:
    key = manifest_key(run_id)
    storage.put_bytes(key, manifest_bytes(cells), content_type="application/json")
    return key


def read_manifest(storage: Storage, run_id: str) -> list[Cell]:
    key = manifest_key(run_id)
    try:
        document = json.loads(storage.get_bytes(key))
    except StorageKeyNotFoundError as exc:
        raise ManifestError(f"run {run_id!r} has no manifest at {storage.uri(key)}") from exc
    except ValueError as exc:
        raise ManifestError(f"{storage.uri(key)} is not JSON: {exc}") from exc
    if not isinstance(document, list):
        raise ManifestError(f"{storage.uri(key)} is not a JSON array of cells")
    cells = []
    for index, item in enumerate(document):
        try:
            cells.append(Cell.from_dict(item))
        except InvalidPipelineInputError as exc:
            raise ManifestError(f"{storage.uri(key)} item {index}: {exc}") from exc
    return cells


@dataclass(frozen=True, slots=True)
class RunMetadata:
    """Facts about a run fixed at plan time. `created_at` is an aware UTC datetime."""

    run_id: str
    created_at: datetime
    cell_count: int
    input: Mapping[str, Any] = field(default_factory=dict)

    @property
    def day(self) -> str:
        """The run's `dt` partition value (UTC date of creation)."""
        return self.created_at.astimezone(UTC).date().isoformat()

    def to_json_bytes(self) -> bytes:
        document = {
            "format": RUN_METADATA_FORMAT,
            "run_id": self.run_id,
            "created_at": self.created_at.astimezone(UTC).isoformat(),
            "cell_count": self.cell_count,
            "input": dict(self.input),
        }
        return json.dumps(document, indent=2, sort_keys=True).encode() + b"\n"

    @classmethod
    def from_json_bytes(cls, data: bytes, where: str) -> RunMetadata:
        try:
            document = json.loads(data)
            if not isinstance(document, dict) or document.get("format") != RUN_METADATA_FORMAT:
                raise ValueError(f"not {RUN_METADATA_FORMAT}")
            created_at = datetime.fromisoformat(document["created_at"])
            if created_at.tzinfo is None:
                raise ValueError("created_at has no UTC offset")
            return cls(
                run_id=str(document["run_id"]),
                created_at=created_at.astimezone(UTC),
                cell_count=int(document["cell_count"]),
                input=dict(document.get("input") or {}),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ManifestError(f"{where} is not valid run metadata: {exc}") from exc


def write_run_metadata(storage: Storage, metadata: RunMetadata) -> str:
    key = run_metadata_key(metadata.run_id)
    storage.put_bytes(key, metadata.to_json_bytes(), content_type="application/json")
    return key


def read_run_metadata(storage: Storage, run_id: str) -> RunMetadata | None:
    """The run's metadata, or None when the run has none (e.g. planned by an older version)."""
    key = run_metadata_key(run_id)
    # S3 tells a missing key (404) from a forbidden one (403) only to callers that may list the
    # bucket, and a ListBucket grant scoped by s3:prefix may not count: ask the listing first.
    if key not in set(storage.list_keys(key)):
        return None
    try:
        data = storage.get_bytes(key)
    except StorageKeyNotFoundError:
        return None  # deleted between the listing and the read
    return RunMetadata.from_json_bytes(data, storage.uri(key))


__all__ = [
    "RUN_METADATA_FORMAT",
    "RunMetadata",
    "manifest_bytes",
    "read_manifest",
    "read_run_metadata",
    "run_metadata_key",
    "write_manifest",
    "write_run_metadata",
]
