"""ResultWriter output: FAILED_n.json entries become crashed cells."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orgsweep.pipeline.map_results import read_map_failures, truncate
from orgsweep.pipeline.types import Cell
from orgsweep.storage import LocalStorage
from orgsweep.types import CoverageStatus
from tests.aggregate_fixtures import failed_entry, write_result_writer_output

pytestmark = pytest.mark.unit

A = Cell("111111111111", "alpha", "us-east-1")
B = Cell("222222222222", "beta", "eu-west-1")
RUN = {"run_id": "r", "role_name": "R"}


def test_failed_entries_map_to_cells_with_error_and_message(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    cause = json.dumps({"errorMessage": "boom", "errorType": "AssumeRoleError", "stackTrace": ["..."]})
    write_result_writer_output(
        storage,
        "r",
        [
            failed_entry(A, RUN, error="AssumeRoleError", cause=cause),
            failed_entry(B, RUN, error="States.Timeout", cause="", status="TIMED_OUT"),
            {"Error": "x", "Input": "not json"},
            {"Error": "x", "Input": json.dumps({"cell": {"account_id": 1}})},
        ],
        bucket_prefix="team/",
    )
    failures = read_map_failures(storage, "r")
    a, b = failures.cells[(A.account_id, A.region)], failures.cells[(B.account_id, B.region)]
    assert (a.error, a.message, a.status) == ("AssumeRoleError", "boom", CoverageStatus.ERROR)
    assert (b.error, b.message, b.status) == ("States.Timeout", "", CoverageStatus.TIMEOUT)
    assert failures.unattributed == 2
    assert failures.files == ["results/r/0b1c/FAILED_0.json"]


def test_plain_cause_aborted_status_and_bare_item_input(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    entry = {"Error": "States.Runtime", "Cause": "x" * 5000, "Status": "ABORTED", "Input": json.dumps(A.to_dict())}
    storage.put_bytes("results/r/m/FAILED_3.json", json.dumps([entry]).encode())
    crashed = read_map_failures(storage, "r").cells[(A.account_id, A.region)]
    assert crashed.status is CoverageStatus.CANCELLED
    assert crashed.message == "x" * 1023 + "…"


def test_jsonl_output_and_later_files_win(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    first = failed_entry(A, RUN, error="First", cause="")
    second = failed_entry(A, RUN, error="Second", cause="")
    storage.put_bytes("results/r/m1/FAILED_0.jsonl", (json.dumps(first) + "\n").encode())
    storage.put_bytes("results/r/m2/FAILED_0.jsonl", (json.dumps(second) + "\n\n").encode())
    assert read_map_failures(storage, "r").cells[(A.account_id, A.region)].error == "Second"


def test_a_failed_file_named_only_by_a_manifest_is_read(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    storage.put_bytes("results/r/m/odd-name.json", json.dumps([failed_entry(A, RUN, error="E", cause="")]).encode())
    manifest = {"ResultFiles": {"FAILED": [{"Key": "prefix/results/r/m/odd-name.json", "Size": 1}]}}
    storage.put_bytes("results/r/m/manifest.json", json.dumps(manifest).encode())
    storage.put_bytes("results/r/x/manifest.json", b"not json")
    assert set(read_map_failures(storage, "r").cells) == {(A.account_id, A.region)}


def test_no_results_means_no_failures(tmp_path: Path) -> None:
    failures = read_map_failures(LocalStorage(tmp_path), "r")
    assert (failures.cells, failures.unattributed, failures.files) == ({}, 0, [])


def test_truncate() -> None:
    assert truncate("abc", 3) == "abc"
    assert truncate("abcd", 3) == "ab…"
