"""A local folder laid out exactly like the bucket."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from orgsweep.storage.exceptions import StorageError, StorageKeyNotFoundError


def _check_key(key: str) -> None:
    # Keys are relative POSIX paths: nothing may resolve outside the root.
    if not key or key.startswith("/") or any(part in ("", ".", "..") for part in key.split("/")[:-1]):
        raise StorageError(
            f"invalid storage key {key!r}: expected a relative path with no empty, '.' or '..' folder"
        )


class LocalStorage:
    """The Storage protocol over the folder `root` (created on first write)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        _check_key(key)
        return self.root / key

    def _write_atomically(self, key: str, write: Callable[[BinaryIO], object]) -> None:
        # Write beside the target then rename: readers never see a partial file.
        target = self._path(key)
        tmp: Path | None = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            tmp = Path(tmp_name)
            with os.fdopen(fd, "wb") as handle:
                write(handle)
            tmp.replace(target)
        except OSError as exc:
            raise StorageError(f"cannot write {self.uri(key)}: {exc}") from exc
        finally:
            if tmp is not None:
                tmp.unlink(missing_ok=True)

    def put_bytes(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        self._write_atomically(key, lambda handle: handle.write(data))

    def put_file(self, key: str, path: Path, content_type: str = "application/octet-stream") -> None:
        def copy(handle: BinaryIO) -> None:
            with Path(path).open("rb") as source:
                shutil.copyfileobj(source, handle, 1 << 20)

        self._write_atomically(key, copy)

    def get_bytes(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return path.read_bytes()
        except FileNotFoundError as exc:
            raise StorageKeyNotFoundError(f"{self.uri(key)} does not exist") from exc

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def list_keys(self, prefix: str) -> Iterator[str]:
        """Keys under `prefix` (a plain string prefix, like S3), in lexicographic order."""
        base = self.root / prefix.rsplit("/", 1)[0] if "/" in prefix else self.root
        if not base.is_dir():
            return
        keys = []
        for dirpath, _dirs, files in os.walk(base):
            for name in files:
                if name.startswith(".") and name.endswith(".tmp"):
                    continue
                key = (Path(dirpath) / name).relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    keys.append(key)
        yield from sorted(keys)

    def uri(self, key: str) -> str:
        return str(self._path(key))


__all__ = ["LocalStorage"]
