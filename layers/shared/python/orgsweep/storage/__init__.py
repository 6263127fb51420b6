"""The results store: one key layout, in an S3 bucket or a local folder."""

from orgsweep.storage.environment import s3_storage_from_environment
from orgsweep.storage.exceptions import StorageConfigError, StorageError, StorageKeyNotFoundError
from orgsweep.storage.layout import (
    manifest_key,
    raw_cell_key,
    raw_prefix,
    results_prefix,
    summary_key,
    table_key,
    table_prefix,
)
from orgsweep.storage.local import LocalStorage
from orgsweep.storage.s3 import S3Storage
from orgsweep.storage.types import Storage

__all__ = [
    "LocalStorage",
    "S3Storage",
    "Storage",
    "StorageConfigError",
    "StorageError",
    "StorageKeyNotFoundError",
    "manifest_key",
    "raw_cell_key",
    "raw_prefix",
    "results_prefix",
    "s3_storage_from_environment",
    "summary_key",
    "table_key",
    "table_prefix",
]
