"""Value types of the AWS access layer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ServiceCounts:
    """API traffic of one service (or of several, summed).

    calls: HTTP attempts sent, retries included. retries: attempts after the first of an
    operation. throttles: responses carrying a throttling error, also counted by error code
    in `throttles_by_code` (throttles == sum(throttles_by_code.values())).
    """

    calls: int = 0
    retries: int = 0
    throttles: int = 0
    throttles_by_code: Mapping[str, int] = field(default_factory=dict)

    def __add__(self, other: ServiceCounts) -> ServiceCounts:
        if not isinstance(other, ServiceCounts):
            return NotImplemented
        by_code = dict(self.throttles_by_code)
        for code, count in other.throttles_by_code.items():
            by_code[code] = by_code.get(code, 0) + count
        return ServiceCounts(
            calls=self.calls + other.calls,
            retries=self.retries + other.retries,
            throttles=self.throttles + other.throttles,
            throttles_by_code=dict(sorted(by_code.items())),
        )


__all__ = ["ServiceCounts"]
