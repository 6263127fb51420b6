"""Plan Lambda: validate the execution input, resolve the cells, write the manifest.

Event: the state machine's execution input (DESIGN §4). Environment: ORGSWEEP_BUCKET,
ORGSWEEP_PREFIX (optional), ORGSWEEP_DEFAULTS (JSON of RunDefaults), ORGSWEEP_DEPLOYED_ACCESS
(JSON of DeployedAccess: the member role name and external id the deployed roles accept;
absent = unconstrained). Returns the small PlanResult dict; bad input - including a role_name
or external_id the deployed roles cannot use - raises InputValidationError so the execution
fails with it, before anything is written.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from aws_lambda_powertools import Logger

from orgsweep.pipeline.defaults import RunDefaults
from orgsweep.pipeline.deployed import DeployedAccess
from orgsweep.pipeline.execution_input import parse_execution_input
from orgsweep.pipeline.plan import PlanClients, plan
from orgsweep.storage import s3_storage_from_environment

logger = Logger()


def handler(event: Any, context: Any) -> dict[str, Any]:
    defaults = RunDefaults.from_json(os.environ.get("ORGSWEEP_DEFAULTS"))
    deployed = DeployedAccess.from_json(os.environ.get("ORGSWEEP_DEPLOYED_ACCESS"))
    execution_input = parse_execution_input(event, defaults, deployed=deployed)
    session = boto3.Session()
    storage = s3_storage_from_environment(os.environ, session.client("s3"))
    result = plan(execution_input, clients=PlanClients.from_session(session), storage=storage)
    logger.info("planned run", extra={"run_id": result.run_id, "cells": result.cell_count})
    return result.to_dict()
