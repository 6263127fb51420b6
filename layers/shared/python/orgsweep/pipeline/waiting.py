"""Run a step on a helper thread and stop waiting for it at a deadline.

A cell must return before its Lambda times out, whatever a check or AWS does: a step that
is still running at the deadline is abandoned (its daemon thread finishes or dies with the
sandbox) and the caller keeps what already finished. The deadline is a `clock.monotonic()`
value; the wait re-reads the clock at least every `poll_s` real seconds so a FakeClock
moved by another thread is noticed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from orgsweep.clock import Clock

R = TypeVar("R")

DEFAULT_POLL_S = 0.05


@dataclass(slots=True)
class StepOutcome(Generic[R]):
    """finished=False: still running at the deadline (value and error unset)."""

    finished: bool
    value: R | None = None
    error: BaseException | None = None


def run_until(
    fn: Callable[[], R],
    deadline: float,
    clock: Clock,
    *,
    name: str = "orgsweep-step",
    poll_s: float = DEFAULT_POLL_S,
) -> StepOutcome[R]:
    """Call `fn()` on a daemon thread; return its outcome, or finished=False at the deadline."""
    done = threading.Event()
    values: list[R] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            values.append(fn())
        except BaseException as exc:  # handed to the caller, never lost with the thread
            errors.append(exc)
        finally:
            done.set()

    threading.Thread(target=target, name=name, daemon=True).start()
    while not done.is_set():
        remaining = deadline - clock.monotonic()
        if remaining <= 0:
            break
        done.wait(min(remaining, poll_s))
    if not done.is_set():
        return StepOutcome(finished=False)
    if errors:
        return StepOutcome(finished=True, error=errors[0])
    return StepOutcome(finished=True, value=values[0])


__all__ = ["DEFAULT_POLL_S", "StepOutcome", "run_until"]
