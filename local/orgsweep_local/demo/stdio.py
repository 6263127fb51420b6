"""Per-thread capture of stdout/stderr: what an in-process Lambda prints becomes its log, not the demo's output.

sys.stdout is process-wide, so redirect_stdout cannot tell a handler running on one of
moto's threads from the CLI drawing its progress bar. The routed stream sends a write to
the capturing buffer of the current thread, if it has one, else to the real stream.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any, cast

_local = threading.local()


class ThreadRoutedStream:
    """A text stream that writes to the current thread's capture buffer, else to `target`."""

    def __init__(self, target: IO[str]) -> None:
        self.target = target

    def write(self, text: str) -> int:
        buffer: IO[str] | None = getattr(_local, "buffer", None)
        return (buffer or self.target).write(text)

    def flush(self) -> None:
        buffer: IO[str] | None = getattr(_local, "buffer", None)
        (buffer or self.target).flush()

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, encoding...: the real stream's
        return getattr(self.target, name)

    @staticmethod
    @contextmanager
    def capture(buffer: IO[str]) -> Iterator[None]:
        """Send this thread's writes to routed streams into `buffer` for the block."""
        previous = getattr(_local, "buffer", None)
        _local.buffer = buffer
        try:
            yield
        finally:
            _local.buffer = previous


@contextmanager
def routed_stdio() -> Iterator[None]:
    """Install routed stdout/stderr for the block (threads that capture nothing write through)."""
    saved_out, saved_err = sys.stdout, sys.stderr
    sys.stdout = cast(Any, ThreadRoutedStream(saved_out))
    sys.stderr = cast(Any, ThreadRoutedStream(saved_err))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved_out, saved_err


__all__ = ["ThreadRoutedStream", "routed_stdio"]
