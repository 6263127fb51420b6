"""Live progress of a local run, and Ctrl-C that cancels gracefully (a second Ctrl-C aborts)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from orgsweep_local.engine.types import EngineProgress


class CellProgress:
    """A rich progress bar fed by the engine's progress callback."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._task: Any = None

    def __enter__(self) -> CellProgress:
        self._progress.start()
        self._task = self._progress.add_task("planning", total=None, detail="")
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def update(self, p: EngineProgress) -> None:
        eta = f"ETA {p.eta_s:.0f}s" if p.eta_s is not None and p.done < p.total else ""
        parts = [
            f"{p.findings} findings",
            f"{p.errors} errors" if p.errors else "",
            f"{p.not_ok} cells not ok" if p.not_ok else "",
            f"{p.throughput_per_s:.1f} cells/s" if p.throughput_per_s else "",
            eta,
            "[yellow]cancelling[/yellow]" if p.cancel_requested else "",
        ]
        detail = " · ".join(part for part in parts if part)
        total = p.total if p.phase != "planning" else None
        self._progress.update(self._task, description=p.phase, total=total, completed=p.done, detail=detail)


@contextmanager
def graceful_interrupt(cancel: Callable[[], None], console: Console) -> Iterator[None]:
    """First Ctrl-C calls `cancel` (finish running cells, aggregate); the second one aborts."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    interrupts = 0

    def handler(signum: int, frame: FrameType | None) -> None:
        nonlocal interrupts
        interrupts += 1
        if interrupts > 1:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            raise KeyboardInterrupt
        cancel()
        console.print("[yellow]Cancelling: no new cells start; running ones finish (Ctrl-C again to abort).[/yellow]")

    signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


__all__ = ["CellProgress", "graceful_interrupt"]
