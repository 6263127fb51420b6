"""Parallelism presets (DESIGN §4), kept from the seeds' Default/Conservative/Aggressive configs."""

from __future__ import annotations

from dataclasses import dataclass

from orgsweep.exceptions import OrgSweepError


class UnknownPresetError(OrgSweepError, ValueError):
    """A preset name that is not conservative, default or aggressive."""


@dataclass(frozen=True, slots=True)
class Preset:
    """How hard one scan pushes on AWS.

    cell_concurrency: cells scanned in parallel by the local engine.
    rate_per_second / burst: the token bucket of each service inside one cell.
    max_attempts: botocore standard-retry attempts (first call included).
    adaptive: whether throttles slow the bucket down (and successes recover it).
    cell_time_budget_s: wall-clock budget of one cell.
    """

    name: str
    cell_concurrency: int
    rate_per_second: float
    burst: int
    max_attempts: int
    adaptive: bool
    cell_time_budget_s: float


CONSERVATIVE = Preset("conservative", 5, 2.0, 5, 5, True, 600.0)
DEFAULT = Preset("default", 10, 5.0, 10, 3, True, 300.0)
AGGRESSIVE = Preset("aggressive", 20, 10.0, 20, 2, True, 180.0)

PRESETS: dict[str, Preset] = {p.name: p for p in (CONSERVATIVE, DEFAULT, AGGRESSIVE)}
DEFAULT_PRESET_NAME = DEFAULT.name


def get_preset(name: str) -> Preset:
    """Return the preset called `name`, or raise UnknownPresetError naming the choices."""
    try:
        return PRESETS[name]
    except KeyError as exc:
        choices = ", ".join(sorted(PRESETS))
        raise UnknownPresetError(f"unknown preset {name!r}; choose one of: {choices}") from exc


__all__ = [
    "AGGRESSIVE",
    "CONSERVATIVE",
    "DEFAULT",
    "DEFAULT_PRESET_NAME",
    "PRESETS",
    "Preset",
    "UnknownPresetError",
    "get_preset",
]
