"""The one place the library touches os.environ (demo-only).

The demo runs the real Lambda handlers in this process, and they (and boto3, and moto's
Step Functions interpreter) read their settings from environment variables, so the demo
must set them. Every change goes through here: it happens under one lock, and the previous
values are put back when the block ends. Nothing else in orgsweep reads or writes os.environ.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

# Guards each read-modify-write of os.environ (not the blocks themselves: they nest and overlap).
_LOCK = threading.Lock()


def _swap(values: Mapping[str, str | None]) -> dict[str, str | None]:
    """Set each variable (None removes it); return the values they had before."""
    with _LOCK:
        previous = {name: os.environ.get(name) for name in values}
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return previous


@contextmanager
def scoped_environ(values: Mapping[str, str]) -> Iterator[None]:
    """Set `values` in os.environ for the block only; the previous values come back after it."""
    previous = _swap(values)
    try:
        yield
    finally:
        _swap(previous)


def child_environment(*, drop: Iterable[str] = (), extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A copy of this process's environment for a subprocess, without `drop`, with `extra`."""
    with _LOCK:
        environment = dict(os.environ)
    environment.update(extra or {})
    for name in drop:
        environment.pop(name, None)
    return environment


class EnvironmentGate:
    """os.environ is shared: invocations of one function run together, another function waits its turn."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._key: str | None = None
        self._active = 0
        self._saved: dict[str, str | None] = {}

    @contextmanager
    def entered(self, key: str, environment: Mapping[str, str]) -> Iterator[None]:
        with self._condition:
            while self._active and self._key != key:
                self._condition.wait()
            if not self._active:
                self._saved = _swap(environment)
                self._key = key
            self._active += 1
        try:
            yield
        finally:
            with self._condition:
                self._active -= 1
                if not self._active:
                    _swap(self._saved)
                    self._key = None
                    self._condition.notify_all()


__all__ = ["EnvironmentGate", "child_environment", "scoped_environ"]
