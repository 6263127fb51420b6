"""IAM's wildcards in a policy's Action and Resource elements, as regular expressions."""

from __future__ import annotations

import re


def iam_pattern(pattern: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    """`*` any run of characters (`/` and `:` included), `?` one character, the rest literal; use `fullmatch`.

    IAM compares action names case-insensitively (`ignore_case=True`) and resource ARNs
    case-sensitively (the default).
    """
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.ASCII | re.DOTALL | (re.IGNORECASE if ignore_case else 0))


__all__ = ["iam_pattern"]
