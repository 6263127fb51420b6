from orgsweep.exceptions import OrgSweepError


class StorageError(OrgSweepError):
    """Reading or writing the results store failed."""


class StorageKeyNotFoundError(StorageError, KeyError):
    """The key does not exist in the results store."""
