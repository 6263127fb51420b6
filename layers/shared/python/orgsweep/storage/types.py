"""The results-store protocol every pipeline step writes through."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol


class Storage(Protocol):
    """Where a run's files live: an S3 bucket (+ prefix) or a local folder, same key layout.

    Every write is all-or-nothing: a reader never sees a half-written object.
    """

    def put_bytes(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None: ...

    def put_file(self, key: str, path: Path, content_type: str = "application/octet-stream") -> None: ...

    def get_bytes(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def list_keys(self, prefix: str) -> Iterator[str]: ...

    def uri(self, key: str) -> str: ...


__all__ = ["Storage"]
