"""The S3 layout (public contract, DESIGN §4). Keys are relative to the store's root/prefix."""

from __future__ import annotations

from datetime import date


def manifest_key(run_id: str) -> str:
    return f"manifests/{run_id}/cells.json"


def raw_cell_key(run_id: str, account_id: str, region: str) -> str:
    return f"raw/{run_id}/{account_id}/{region}.json.gz"


def raw_prefix(run_id: str) -> str:
    return f"raw/{run_id}/"


def results_prefix(run_id: str) -> str:
    """Where the Distributed Map's ResultWriter writes (manifest.json, SUCCEEDED_n, FAILED_n...)."""
    return f"results/{run_id}/"


def table_key(table: str, day: date, run_id: str) -> str:
    return f"tables/{table}/dt={day.isoformat()}/{run_id}.parquet"


def table_prefix(table: str) -> str:
    return f"tables/{table}/"


def summary_key(run_id: str) -> str:
    return f"runs/{run_id}/summary.json"


__all__ = [
    "manifest_key",
    "raw_cell_key",
    "raw_prefix",
    "results_prefix",
    "summary_key",
    "table_key",
    "table_prefix",
]
