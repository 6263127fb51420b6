"""Turning any error into one line `error: <problem>` with its documented exit code."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

from orgsweep.exceptions import OrgSweepError
from orgsweep_local.cli.exceptions import EXIT_FAILURE, EXIT_INVALID_INPUT, CliError


def invalid(message: str) -> CliError:
    return CliError(message, EXIT_INVALID_INPUT)


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def classify(exc: BaseException) -> CliError:
    """The CliError for any exception: bad input is exit 2, everything else exit 1."""
    from botocore.exceptions import (
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
        ProfileNotFound,
    )

    from orgsweep.checks.exceptions import CheckParamError, UnknownCheckError
    from orgsweep.pipeline.exceptions import InputValidationError, InvalidPipelineInputError
    from orgsweep.presets import UnknownPresetError
    from orgsweep_local.demo.exceptions import FleetSpecError

    if isinstance(exc, CliError):
        return exc
    if isinstance(exc, InputValidationError | InvalidPipelineInputError | CheckParamError | UnknownCheckError):
        return invalid(str(exc))
    if isinstance(exc, UnknownPresetError | ProfileNotFound | FleetSpecError):
        return invalid(str(exc))
    if isinstance(exc, EndpointConnectionError):
        return CliError(f"cannot reach the AWS endpoint {exc.kwargs.get('endpoint_url', '')}: {exc}")
    if isinstance(exc, NoCredentialsError):
        return CliError("no AWS credentials found: configure a profile (--aws-profile) or the AWS_* variables")
    if isinstance(exc, NoRegionError):
        return CliError("no AWS region configured: set AWS_REGION or a profile region")
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        operation = getattr(exc, "operation_name", "AWS call")
        return CliError(f"{operation} failed: {error.get('Code', 'Unknown')}: {error.get('Message', exc)}")
    if isinstance(exc, OrgSweepError):
        return CliError(str(exc))
    return CliError(f"{type(exc).__name__}: {exc}")


def report(error: CliError) -> None:
    print(f"error: {one_line(error.message)}", file=sys.stderr, flush=True)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Run a command body: any exception becomes `error: ...` on stderr and its exit code."""
    import typer

    try:
        yield
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:
        error = classify(exc)
        report(error)
        raise typer.Exit(error.exit_code) from exc


def fail(message: str, exit_code: int = EXIT_FAILURE) -> NoReturn:
    raise CliError(message, exit_code)


__all__ = [
    "classify",
    "fail",
    "invalid",
    "one_line",
    "report",
    "reported_errors",
]
