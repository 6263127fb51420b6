"""`orgsweep doctor`: prove, before and after deploying, that a scan can work.

Checks the caller's identity and AWS Organizations access, the member role in every target
account (with the reason AWS gives for each failure), the regions each account has enabled,
the checks' services in a member, the hub account's Lambda concurrency against the Map's
MaxConcurrency and, with a stack name, the deployed hub. Each check is one small module; they
take sessions and clients as arguments and print nothing (the CLI renders the Report).
Importing this package needs only boto3.
"""

from orgsweep_local.doctor.classify import diagnose, needs_second_attempt
from orgsweep_local.doctor.denials import read_denial
from orgsweep_local.doctor.exceptions import DoctorError, DoctorInputError
from orgsweep_local.doctor.inputs import build_options
from orgsweep_local.doctor.report import document, exit_code
from orgsweep_local.doctor.runner import run_doctor
from orgsweep_local.doctor.settings import DeploymentSettings, find_cdk_json, load_settings
from orgsweep_local.doctor.types import (
    AssumeAttempt,
    AssumeReason,
    CheckResult,
    Denial,
    Diagnosis,
    DoctorOptions,
    Report,
    Status,
)

__all__ = [
    "AssumeAttempt",
    "AssumeReason",
    "CheckResult",
    "Denial",
    "DeploymentSettings",
    "Diagnosis",
    "DoctorError",
    "DoctorInputError",
    "DoctorOptions",
    "Report",
    "Status",
    "build_options",
    "diagnose",
    "document",
    "exit_code",
    "find_cdk_json",
    "load_settings",
    "needs_second_attempt",
    "read_denial",
    "run_doctor",
]
