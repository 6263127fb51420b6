"""Small value types of the CDK app."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FunctionSizing:
    """Memory and timeout of one step's Lambda function."""

    memory_mb: int
    timeout_s: int


__all__ = ["FunctionSizing"]
