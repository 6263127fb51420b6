"""Errors of `orgsweep doctor`'s checks."""

from orgsweep.exceptions import OrgSweepError


class DoctorError(OrgSweepError):
    """The doctor could not run its checks at all."""


class DoctorInputError(DoctorError, ValueError):
    """A malformed option (account id, OU id, region, role name, external id, sample size)."""


__all__ = ["DoctorError", "DoctorInputError"]
