"""Share a cell's shared API calls (the batched GetMetricData) among its checks, exactly.

One GetMetricData call carries queries of several checks, so it belongs to none of them.
Rule: the shared total is split in proportion to each check's number of metric queries by
the largest-remainder method (ties to the smaller check id). Every share is an integer and
the shares sum to the total, so Σ api_calls over a cell's coverage rows equals the cell's
calls. A check without metric queries gets nothing; if no check has a weight the total is
split evenly (this only happens for calls made outside any check's scope).
"""

from __future__ import annotations

from collections.abc import Mapping


def apportion(total: int, weights: Mapping[str, int]) -> dict[str, int]:
    """Split the non-negative integer `total` over `weights`' keys; shares sum to `total`.

    Raises ValueError when `total` is negative or a weight is, or when `total` > 0 and
    there is nobody to give it to.
    """
    if total < 0:
        raise ValueError(f"total must be >= 0, got {total}")
    negative = sorted(key for key, weight in weights.items() if weight < 0)
    if negative:
        raise ValueError(f"weights must be >= 0; negative for {', '.join(negative)}")
    shares = dict.fromkeys(weights, 0)
    if total == 0:
        return shares
    if not weights:
        raise ValueError(f"cannot apportion {total} among no keys")
    effective = dict(weights) if sum(weights.values()) > 0 else dict.fromkeys(weights, 1)
    weight_sum = sum(effective.values())
    remainders: list[tuple[int, str]] = []
    for key, weight in effective.items():
        quotient, remainder = divmod(total * weight, weight_sum)
        shares[key] = quotient
        remainders.append((remainder, key))
    left = total - sum(shares.values())
    # Largest remainder first; among equal remainders the smaller key, for determinism.
    for _remainder, key in sorted(remainders, key=lambda item: (-item[0], item[1]))[:left]:
        shares[key] += 1
    return shares


__all__ = ["apportion"]
