"""The layer build folder: one lock, folders published whole, stale builds removed.

`cdk synth` and the infra tests synthesize twice at the same time (the CLI and in-process),
so builds are serialised by a file lock, made in a scratch folder and renamed into place:
a folder that exists is complete.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: A stale build is removed only after this long, so a synth still reading it is not disturbed.
STALE_AFTER_S = 600.0


@contextmanager
def locked(cache: Path) -> Iterator[None]:
    """Hold the cache's lock (other processes building layers wait)."""
    cache.mkdir(parents=True, exist_ok=True)
    with (cache / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def scratch(cache: Path, name: str) -> Iterator[Path]:
    """An empty folder in the cache, removed afterwards unless it was published."""
    cache.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".tmp-{name}-", dir=cache))
    folder.chmod(0o755)  # mkdtemp makes it private; the published build is an ordinary folder
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def publish(built: Path, final: Path) -> Path:
    """Move a finished build to `final`; if another process got there first, keep theirs (same content)."""
    try:
        built.rename(final)
    except OSError:
        if not final.is_dir():
            raise
    touch(final)
    return final


def touch(folder: Path) -> None:
    """Mark a build as in use now (pruning spares recently used builds)."""
    os.utime(folder)


def prune(cache: Path, prefix: str, keep: Path) -> None:
    """Remove `<prefix>*` builds other than `keep` that nothing has used for STALE_AFTER_S."""
    cutoff = time.time() - STALE_AFTER_S
    for folder in cache.glob(f"{prefix}*"):
        if folder != keep and folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


__all__ = ["STALE_AFTER_S", "locked", "prune", "publish", "scratch", "touch"]
