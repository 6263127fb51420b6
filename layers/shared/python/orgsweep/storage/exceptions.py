"""Errors of the results store."""

from __future__ import annotations

from orgsweep.exceptions import OrgSweepError


class StorageError(OrgSweepError):
    """Reading or writing the results store failed, or a key is not a valid store key."""


class StorageKeyNotFoundError(StorageError, KeyError):
    """The key does not exist in the results store."""


class StorageConfigError(StorageError, ValueError):
    """The store is not configured (e.g. no bucket name)."""


__all__ = ["StorageConfigError", "StorageError", "StorageKeyNotFoundError"]
