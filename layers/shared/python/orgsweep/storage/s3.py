"""An S3 bucket (with optional key prefix)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from boto3.exceptions import S3UploadFailedError
from botocore.exceptions import ClientError

from orgsweep.storage.exceptions import StorageError, StorageKeyNotFoundError


class S3Storage:
    """The Storage protocol over `bucket`, every key under `prefix` (normalized to "" or "a/b/")."""

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def _key(self, key: str) -> str:
        return self.prefix + key

    def put_bytes(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        try:
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=content_type)
        except ClientError as exc:
            raise StorageError(f"cannot write {self.uri(key)}: {exc}") from exc

    def put_file(self, key: str, path: Path, content_type: str = "application/octet-stream") -> None:
        # upload_file uses multipart for large files; the object appears only when complete.
        try:
            self.client.upload_file(
                str(path), self.bucket, self._key(key), ExtraArgs={"ContentType": content_type}
            )
        except (ClientError, S3UploadFailedError) as exc:
            raise StorageError(f"cannot write {self.uri(key)}: {exc}") from exc

    def get_bytes(self, key: str) -> bytes:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise StorageKeyNotFoundError(f"{self.uri(key)} does not exist") from exc
            raise StorageError(f"cannot read {self.uri(key)}: {exc}") from exc
        body: bytes = response["Body"].read()
        return body

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise StorageError(f"cannot read {self.uri(key)}: {exc}") from exc
        return True

    def list_keys(self, prefix: str) -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self._key(prefix)):
                for item in page.get("Contents", []):
                    yield item["Key"][len(self.prefix):]
        except ClientError as exc:
            raise StorageError(f"cannot list {self.uri(prefix)}: {exc}") from exc

    def uri(self, key: str) -> str:
        return f"s3://{self.bucket}/{self._key(key)}"


__all__ = ["S3Storage"]
