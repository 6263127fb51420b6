"""Cells that crashed, from the Distributed Map's ResultWriter output under results/<run_id>/.

ResultWriter writes, per Map Run, `<prefix>/<map-run-id>/manifest.json` listing its result
files (`ResultFiles: {FAILED: [{Key, Size}], SUCCEEDED: [...], PENDING: [...]}`) and
`FAILED_<n>.json`, a JSON array of child executions: `{ExecutionArn, Input, Error, Cause,
Status, ...}` where `Input` is the child's input as a JSON *string* (our item selector makes
it `{"cell": {...}, "run": {...}}`). A crashed cell wrote no raw output, so this is the only
place its failure is recorded.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from orgsweep.storage.layout import results_prefix
from orgsweep.storage.types import Storage
from orgsweep.types import CoverageStatus

_FAILED_FILE_RE = re.compile(r"FAILED_\d+\.jsonl?")
MAX_MESSAGE_CHARS = 1024


@dataclass(frozen=True, slots=True)
class CrashedCell:
    account_id: str
    region: str
    error: str
    message: str
    status: CoverageStatus


@dataclass(slots=True)
class MapFailures:
    """Crashed cells by (account_id, region); entries we could not attribute to a cell are counted."""

    cells: dict[tuple[str, str], CrashedCell] = field(default_factory=dict)
    unattributed: int = 0
    files: list[str] = field(default_factory=list)


def truncate(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _status(entry: dict[str, Any]) -> CoverageStatus:
    status, error = str(entry.get("Status") or ""), str(entry.get("Error") or "")
    if status == "TIMED_OUT" or error == "States.Timeout":
        return CoverageStatus.TIMEOUT
    if status == "ABORTED":
        return CoverageStatus.CANCELLED
    return CoverageStatus.ERROR


def _message(cause: Any) -> str:
    """A Lambda failure's Cause is JSON ({errorMessage, errorType, stackTrace}): keep the message."""
    text = "" if cause is None else str(cause)
    try:
        document = json.loads(text)
    except ValueError:
        return truncate(text)
    if isinstance(document, dict) and isinstance(document.get("errorMessage"), str):
        return truncate(document["errorMessage"])
    return truncate(text)


def _cell_of(entry: Any) -> tuple[str, str] | None:
    if not isinstance(entry, dict):
        return None
    item: Any = entry.get("Input")
    if isinstance(item, str):
        try:
            item = json.loads(item)
        except ValueError:
            return None
    if isinstance(item, dict) and isinstance(item.get("cell"), dict):
        item = item["cell"]
    if not isinstance(item, dict):
        return None
    account_id, region = item.get("account_id"), item.get("region")
    if isinstance(account_id, str) and isinstance(region, str):
        return account_id, region
    return None


def _entries(data: bytes) -> list[Any]:
    text = data.decode("utf-8", errors="replace").strip()
    if not text:
        return []
    try:
        document = json.loads(text)
    except ValueError:
        # JSONL output (WriterConfig OutputType JSONL): one execution per line.
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return document if isinstance(document, list) else [document]


def _referenced_failed_files(storage: Storage, manifests: Iterable[str], prefix: str) -> set[str]:
    """FAILED file keys listed by ResultWriter manifests, made relative to the store's root."""
    found: set[str] = set()
    for key in manifests:
        try:
            document = json.loads(storage.get_bytes(key))
            entries = document["ResultFiles"].get("FAILED") or []
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # a malformed manifest: the directory listing still finds the FAILED files
        for entry in entries:
            full_key = str(entry.get("Key", "")) if isinstance(entry, dict) else ""
            at = full_key.find(prefix)
            if at >= 0:
                found.add(full_key[at:])
    return found


def read_map_failures(storage: Storage, run_id: str) -> MapFailures:
    """Every crashed cell of the run. Later files (in key order) win for a cell failing twice."""
    prefix = results_prefix(run_id)
    keys = list(storage.list_keys(prefix))
    listed = set(keys)
    failed = {k for k in keys if _FAILED_FILE_RE.fullmatch(posixpath.basename(k))}
    manifests = [k for k in keys if posixpath.basename(k) == "manifest.json"]
    failed |= {k for k in _referenced_failed_files(storage, manifests, prefix) if k in listed}
    result = MapFailures(files=sorted(failed))
    for key in result.files:
        try:
            entries = _entries(storage.get_bytes(key))
        except ValueError:
            result.unattributed += 1
            continue
        for entry in entries:
            cell = _cell_of(entry)
            if cell is None:
                result.unattributed += 1
                continue
            result.cells[cell] = CrashedCell(
                account_id=cell[0],
                region=cell[1],
                error=str(entry.get("Error") or "States.TaskFailed"),
                message=_message(entry.get("Cause")),
                status=_status(entry),
            )
    return result


__all__ = ["MAX_MESSAGE_CHARS", "CrashedCell", "MapFailures", "read_map_failures", "truncate"]
