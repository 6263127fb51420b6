"""Errors of the local engine."""

from orgsweep.exceptions import OrgSweepError


class EngineError(OrgSweepError):
    """The local engine could not complete a run (planning, writing or aggregating failed)."""


__all__ = ["EngineError"]
