"""Instruments for the one-cell benchmark: what a scan asked for and where its time went.

Benchmark-only: ScanProbe and ThreadProfiler replace module attributes for the duration of a
`with` block and put them back afterwards; nothing here changes what the scan does.

ScanProbe       times scan_cell's phases (discover, metrics, evaluate) and keeps the cell's
                LimiterSet, whose buckets say how long callers waited for tokens, per service.
ThreadProfiler  a cProfile of CPU time (time.thread_time) in every thread started inside the
                block plus the calling thread: Python 3.11's cProfile sees only the thread
                that enabled it, and the scan's work runs on executor threads.
"""

from __future__ import annotations

import cProfile
import pstats
import threading
import time
from collections.abc import Callable
from typing import Any

import orgsweep.pipeline.scan as scan_module
from orgsweep.ratelimit import LimiterSet

PHASES = ("discover_all", "fetch_metrics", "evaluate_all")


class ScanProbe:
    """`with ScanProbe() as probe: scan_cell(...)`, then probe.phase_s and probe.limiter_waits()."""

    def __init__(self) -> None:
        self.phase_s: dict[str, float] = dict.fromkeys(PHASES, 0.0)
        self.limiters: list[LimiterSet] = []
        self._saved: dict[str, Any] = {}

    def __enter__(self) -> ScanProbe:
        probe = self

        class RecordingLimiterSet(LimiterSet):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                probe.limiters.append(self)

        replacements: dict[str, Any] = {"LimiterSet": RecordingLimiterSet}
        for name in PHASES:
            replacements[name] = self._timed(name, getattr(scan_module, name))
        for name, replacement in replacements.items():  # scan_cell looks these names up in its module
            self._saved[name] = getattr(scan_module, name)
            setattr(scan_module, name, replacement)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for name, value in self._saved.items():
            setattr(scan_module, name, value)

    def _timed(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.phase_s[name] += time.perf_counter() - started

        return timed

    def limiter_waits(self) -> dict[str, tuple[int, float]]:
        """Per service: (token grants, seconds callers spent waiting for tokens, summed over threads)."""
        waits: dict[str, tuple[int, float]] = {}
        for limiters in self.limiters:
            for service, stats in limiters.stats().items():
                grants, waited = waits.get(service, (0, 0.0))
                waits[service] = (grants + stats.acquired, waited + stats.seconds_waited)
        return dict(sorted(waits.items()))


class ThreadProfiler:
    """CPU-time cProfile of the calling thread and of every thread started (and finished) in the block."""

    def __init__(self) -> None:
        self._profiles: list[cProfile.Profile] = []
        self._lock = threading.Lock()
        self._main = cProfile.Profile(time.thread_time)
        self._original_run = threading.Thread.run

    def __enter__(self) -> ThreadProfiler:
        original, profiles, lock = self._original_run, self._profiles, self._lock

        def run(thread: threading.Thread) -> None:
            profiler = cProfile.Profile(time.thread_time)
            profiler.enable()
            try:
                original(thread)
            finally:
                profiler.disable()
                with lock:
                    profiles.append(profiler)

        self._patch(run)
        self._main.enable()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._main.disable()
        self._patch(self._original_run)

    @staticmethod
    def _patch(run: Callable[[threading.Thread], None]) -> None:
        for name, value in {"run": run}.items():  # every Thread started from now on runs `run`
            setattr(threading.Thread, name, value)

    def stats(self) -> pstats.Stats:
        stats = pstats.Stats(self._main)
        with self._lock:
            for profile in self._profiles:
                stats.add(profile)
        return stats


__all__ = ["PHASES", "ScanProbe", "ThreadProfiler"]
