"""Errors of the demo fleet (embedded moto server, seeding, ground truth)."""

from orgsweep.exceptions import OrgSweepError


class DemoError(OrgSweepError):
    """Base class of demo errors."""


class DemoServerError(DemoError):
    """The embedded moto server could not be started or configured."""


class SeedError(DemoError):
    """Seeding the demo organization failed (an AWS call against moto was refused)."""


class FleetSpecError(DemoError, ValueError):
    """An invalid fleet shape (number of accounts, regions, seed)."""


class GroundTruthFormatError(DemoError, ValueError):
    """A document that is not an orgsweep ground-truth file."""


__all__ = ["DemoError", "DemoServerError", "FleetSpecError", "GroundTruthFormatError", "SeedError"]
