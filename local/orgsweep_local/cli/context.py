"""Where results go (a local folder or a bucket) and which AWS credentials a command uses."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated, Any

import typer

from orgsweep_local.cli.errors import invalid
from orgsweep_local.cli.types import Destination

_OUTPUT = "Output"
DEFAULT_OUT = Path("orgsweep-out")

OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out", metavar="DIR", help=f"Local results folder (default ./{DEFAULT_OUT}).", rich_help_panel=_OUTPUT
    ),
]
BucketOpt = Annotated[
    str | None,
    typer.Option("--bucket", metavar="NAME", help="Results bucket instead of a local folder.", rich_help_panel=_OUTPUT),
]
PrefixOpt = Annotated[
    str, typer.Option("--prefix", metavar="P", help="Key prefix inside the bucket.", rich_help_panel=_OUTPUT)
]
AwsProfileOpt = Annotated[
    str | None, typer.Option("--aws-profile", metavar="P", help="AWS profile to use (default: the usual chain).")
]


def destination(out: Path | None, bucket: str | None, prefix: str = "", *, session: Any = None) -> Destination:
    """The store the options name; nothing is created (a folder appears on the first write)."""
    from orgsweep.storage import LocalStorage

    if out is not None and bucket is not None:
        raise invalid("--out and --bucket are exclusive: results go to a folder or to a bucket")
    if bucket is not None:
        if not bucket.strip():
            raise invalid("--bucket: must not be empty")
        from orgsweep.storage.s3 import S3Storage

        client = (session or aws_session(None)).client("s3")
        storage = S3Storage(client, bucket, prefix)
        args = f"--bucket {shlex.quote(bucket)}" + (f" --prefix {shlex.quote(prefix)}" if prefix else "")
        return Destination(storage, storage.uri(""), args)
    if prefix:
        raise invalid("--prefix applies to --bucket only")
    folder = out if out is not None else DEFAULT_OUT
    if folder.exists() and not folder.is_dir():
        raise invalid(f"--out {folder}: exists and is not a folder")
    return Destination(LocalStorage(folder), str(folder), f"--out {shlex.quote(str(folder))}", folder.resolve())


def aws_session(profile: str | None) -> Any:
    import boto3

    return boto3.Session(profile_name=profile) if profile else boto3.Session()


def caller_account(session: Any) -> str:
    """Who the credentials are (sts:GetCallerIdentity), failing fast: one attempt, short timeouts.

    Run before anything is written, so an unreachable endpoint or missing credentials is one
    clear error instead of minutes of retries.
    """
    from botocore.config import Config

    config = Config(connect_timeout=5, read_timeout=15, retries={"mode": "standard", "max_attempts": 1})
    region = session.region_name or "us-east-1"
    identity = session.client("sts", region_name=region, config=config).get_caller_identity()
    account: str = identity["Account"]
    return account


__all__ = [
    "DEFAULT_OUT",
    "AwsProfileOpt",
    "BucketOpt",
    "Destination",
    "OutOpt",
    "PrefixOpt",
    "aws_session",
    "caller_account",
    "destination",
]
