"""The root of every error orgsweep raises on purpose."""


class OrgSweepError(Exception):
    """Base class: catch this to catch any error orgsweep raises deliberately."""
