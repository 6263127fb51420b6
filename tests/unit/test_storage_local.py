"""LocalStorage: the bucket layout in a folder, with all-or-nothing writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgsweep.storage import (
    LocalStorage,
    StorageConfigError,
    StorageError,
    StorageKeyNotFoundError,
    s3_storage_from_environment,
)

pytestmark = pytest.mark.unit


def test_round_trip_and_listing_in_key_order(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    storage.put_bytes("raw/r1/111111111111/us-east-1.json.gz", b"a")
    storage.put_bytes("raw/r1/111111111111/eu-west-1.json.gz", b"b")
    storage.put_bytes("runs/r1/summary.json", b"{}")
    assert storage.get_bytes("raw/r1/111111111111/us-east-1.json.gz") == b"a"
    assert list(storage.list_keys("raw/r1/")) == [
        "raw/r1/111111111111/eu-west-1.json.gz",
        "raw/r1/111111111111/us-east-1.json.gz",
    ]
    assert storage.exists("runs/r1/summary.json")
    assert not storage.exists("runs/r2/summary.json")


def test_put_file_copies_and_overwrites(tmp_path: Path) -> None:
    source = tmp_path / "source.parquet"
    source.write_bytes(b"x" * (3 << 20))
    storage = LocalStorage(tmp_path / "store")
    storage.put_bytes("tables/findings/dt=2026-01-15/r1.parquet", b"old")
    storage.put_file("tables/findings/dt=2026-01-15/r1.parquet", source)
    assert storage.get_bytes("tables/findings/dt=2026-01-15/r1.parquet") == source.read_bytes()


def test_missing_key_is_a_typed_error_naming_the_path(tmp_path: Path) -> None:
    with pytest.raises(StorageKeyNotFoundError, match=r"summary\.json does not exist"):
        LocalStorage(tmp_path).get_bytes("runs/r1/summary.json")


@pytest.mark.parametrize("key", ["", "/etc/passwd", "raw/../../x", "raw//x", "./x"])
def test_keys_cannot_escape_the_root(tmp_path: Path, key: str) -> None:
    with pytest.raises(StorageError, match="invalid storage key"):
        LocalStorage(tmp_path).put_bytes(key, b"x")


def test_a_failed_write_leaves_neither_the_target_nor_a_temporary_file(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    storage.put_bytes("runs/r1/summary.json", b"previous")
    missing = tmp_path / "does-not-exist.parquet"
    with pytest.raises(StorageError, match="cannot write"):
        storage.put_file("runs/r1/summary.json", missing)
    assert storage.get_bytes("runs/r1/summary.json") == b"previous"
    assert sorted(p.name for p in (tmp_path / "runs" / "r1").iterdir()) == ["summary.json"]


def test_a_folder_in_the_way_is_a_storage_error(tmp_path: Path) -> None:
    (tmp_path / "runs").write_bytes(b"a file where a folder must go")
    with pytest.raises(StorageError, match="cannot write"):
        LocalStorage(tmp_path).put_bytes("runs/r1/summary.json", b"{}")


def test_bucket_from_the_environment_or_a_named_error() -> None:
    storage = s3_storage_from_environment({"ORGSWEEP_BUCKET": "results", "ORGSWEEP_PREFIX": "org/"}, object())
    assert storage.uri("runs/r1/summary.json") == "s3://results/org/runs/r1/summary.json"
    assert s3_storage_from_environment({}, object(), bucket="other").bucket == "other"
    with pytest.raises(StorageConfigError, match="ORGSWEEP_BUCKET is not set"):
        s3_storage_from_environment({"ORGSWEEP_BUCKET": " "}, object())
