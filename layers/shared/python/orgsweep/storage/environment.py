"""The results store a Lambda function is configured with (its environment, passed in)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orgsweep.storage.exceptions import StorageConfigError
from orgsweep.storage.s3 import S3Storage

BUCKET_VARIABLE = "ORGSWEEP_BUCKET"
PREFIX_VARIABLE = "ORGSWEEP_PREFIX"


def s3_storage_from_environment(
    environment: Mapping[str, str], s3_client: Any, *, bucket: str | None = None
) -> S3Storage:
    """S3Storage for ORGSWEEP_BUCKET (unless `bucket` is given) and ORGSWEEP_PREFIX.

    The library never reads os.environ itself: handlers pass theirs in.
    """
    name = bucket or environment.get(BUCKET_VARIABLE, "").strip()
    if not name:
        raise StorageConfigError(f"{BUCKET_VARIABLE} is not set: the function needs the results bucket name")
    return S3Storage(s3_client, name, environment.get(PREFIX_VARIABLE, ""))


__all__ = ["BUCKET_VARIABLE", "PREFIX_VARIABLE", "s3_storage_from_environment"]
