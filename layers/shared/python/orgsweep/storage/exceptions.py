"""Errors of the results store."""

from __future__ import annotations

from orgsweep.exceptions import OrgSweepError


class StorageError(OrgSweepError):
    """Reading or writing the results store failed, or a key is not a valid store key."""


class StorageKeyNotFoundError(StorageError, KeyError):
    """The key does not exist in the results store."""


__all__ = ["StorageError", "StorageKeyNotFoundError"]
