"""Per-(scope, service) API call counters, fed by the client hooks.

A scope names who made the calls (a cell, a check): `counting_scope(name)` sets it for the
current thread/task through a ContextVar, so one client shared by several workers still
attributes every attempt to the worker that made it. New threads start in DEFAULT_SCOPE
(ContextVars are not inherited by plain threads): enter a scope inside the worker.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from orgsweep.aws.exceptions import AwsConfigError
from orgsweep.aws.types import ServiceCounts

DEFAULT_SCOPE = "default"

_SCOPE: ContextVar[str] = ContextVar("orgsweep_counting_scope", default=DEFAULT_SCOPE)


def current_scope() -> str:
    """The scope calls are attributed to right now."""
    return _SCOPE.get()


@contextmanager
def counting_scope(name: str) -> Iterator[str]:
    """Attribute the calls made inside the block (in this thread/task) to scope `name`."""
    if not isinstance(name, str) or not name:
        raise AwsConfigError(f"counting scope must be a non-empty string, got {name!r}")
    token = _SCOPE.set(name)
    try:
        yield name
    finally:
        _SCOPE.reset(token)


class _Tally:
    """Mutable counts of one (scope, service); guarded by the owning CallCounters' lock."""

    __slots__ = ("by_code", "calls", "retries")

    def __init__(self) -> None:
        self.calls = 0
        self.retries = 0
        self.by_code: dict[str, int] = {}

    def freeze(self) -> ServiceCounts:
        return ServiceCounts(
            calls=self.calls,
            retries=self.retries,
            throttles=sum(self.by_code.values()),
            throttles_by_code=dict(sorted(self.by_code.items())),
        )


class CallCounters:
    """Thread-safe counts of calls, retries and throttles keyed by (scope, service)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tallies: dict[tuple[str, str], _Tally] = {}

    def record_call(self, service: str, *, retry: bool = False, scope: str | None = None) -> None:
        """One HTTP attempt was sent; `retry` when it was not the operation's first attempt."""
        with self._lock:
            tally = self._tally(scope, service)
            tally.calls += 1
            if retry:
                tally.retries += 1

    def record_throttle(self, service: str, code: str, *, scope: str | None = None) -> None:
        """One attempt was answered with throttling error `code`."""
        with self._lock:
            by_code = self._tally(scope, service).by_code
            by_code[code] = by_code.get(code, 0) + 1

    def scopes(self) -> list[str]:
        """Scopes that recorded anything, sorted."""
        with self._lock:
            return sorted({scope for scope, _ in self._tallies})

    def snapshot(self, scope: str | None = None) -> dict[str, ServiceCounts]:
        """Counts per service (sorted by name) in `scope`, or summed over all scopes when None."""
        with self._lock:
            frozen = [(key, tally.freeze()) for key, tally in self._tallies.items()]
        result: dict[str, ServiceCounts] = {}
        for (tally_scope, service), counts in frozen:
            if scope is None or tally_scope == scope:
                result[service] = result.get(service, ServiceCounts()) + counts
        return dict(sorted(result.items()))

    def totals(self, scope: str | None = None) -> ServiceCounts:
        """All services summed, in `scope` or in every scope when None."""
        total = ServiceCounts()
        for counts in self.snapshot(scope).values():
            total = total + counts
        return total

    def _tally(self, scope: str | None, service: str) -> _Tally:
        # Caller holds the lock.
        key = (scope if scope is not None else _SCOPE.get(), service)
        tally = self._tallies.get(key)
        if tally is None:
            tally = self._tallies[key] = _Tally()
        return tally

    def __repr__(self) -> str:
        return f"CallCounters({self.totals()!r})"


__all__ = ["DEFAULT_SCOPE", "CallCounters", "counting_scope", "current_scope"]
