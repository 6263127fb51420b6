"""Aggregate Lambda: the run's cell outputs (and Distributed Map failures) into Parquet + summary.json.

Event: {"run_id", "manifest": {"bucket", "key"}} (the plan's result). Environment:
ORGSWEEP_BUCKET, ORGSWEEP_PREFIX (optional). Returns a small dict of counts.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from aws_lambda_powertools import Logger

from orgsweep.pipeline import validation
from orgsweep.pipeline.aggregate import aggregate
from orgsweep.pipeline.exceptions import InputValidationError
from orgsweep.storage import s3_storage_from_environment
from orgsweep.storage.layout import manifest_key

logger = Logger()


def handler(event: Any, context: Any) -> dict[str, Any]:
    document = validation.expect_object(event, "event")
    run_id = validation.matching(document.get("run_id"), "run_id", validation.RUN_ID)
    manifest = validation.expect_object(document.get("manifest") or {}, "manifest")
    storage = s3_storage_from_environment(os.environ, boto3.client("s3"), bucket=manifest.get("bucket") or None)
    expected_key = storage.prefix + manifest_key(run_id)
    if manifest.get("key") not in (None, expected_key):
        raise InputValidationError("manifest.key", f"expected {expected_key!r} for run {run_id!r}")
    result = aggregate(run_id, storage=storage)
    logger.info("aggregated run", extra=result.to_dict())
    return result.to_dict()
