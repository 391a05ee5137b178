"""Where files live: one store for every host, chosen by INTRANET_STORAGE_URL.

`file:///path` keeps objects in a folder (the default is the instance folder, so uploads stay
where they always were: `attachments/…`, `exports/…`); several hosts then need that folder
shared (NFS, a mounted volume). `s3://bucket/prefix` keeps them in S3-compatible object storage
(AWS, MinIO, Ceph, Garage) through boto3, with INTRANET_S3_ENDPOINT_URL and the standard
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_DEFAULT_REGION variables.

Keys are relative names such as `attachments/3f2a…`; callers never see paths. A key the store
does not hold raises `MissingObject`, so every caller decides how to report it.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO, Protocol
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app

KEY = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$")
CHUNK = 64 * 1024


class StorageError(Exception):
    """The store is misconfigured or cannot be reached; the message says what to do."""


class MissingObject(StorageError, KeyError):
    """The key names no object in the store."""

    def __init__(self, key: str, where: str) -> None:
        super().__init__(f"{key} is missing from {where}")
        self.key = key

    def __str__(self) -> str:
        return self.args[0]


def check_key(key: str) -> str:
    if not KEY.match(key):
        raise ValueError(f"not a storage key: {key!r}")
    return key


class Store(Protocol):
    """What the intranet needs from a place that keeps files."""

    url: str
    local: bool

    def put(self, key: str, stream: IO[bytes]) -> int:
        """Store the bytes of `stream` under `key` (replacing any); returns the size."""

    def open(self, key: str) -> BinaryIO:
        """A readable binary stream of the object; the caller closes it."""

    def delete(self, key: str) -> None:
        """Remove the object; no error when it is gone already."""

    def exists(self, key: str) -> bool: ...

    def size(self, key: str) -> int: ...

    def list(self, prefix: str = "") -> Iterator[str]:
        """Every key under `prefix` (a folder such as "attachments/"), sorted."""


class FileStore:
    """Objects as files under one folder; writes are atomic (a temporary file renamed)."""

    local = True

    def __init__(self, root: Path) -> None:
        self.root = root
        self.url = root.as_uri()

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, stream: IO[bytes]) -> int:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                shutil.copyfileobj(stream, out, CHUNK)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return target.stat().st_size

    def open(self, key: str) -> BinaryIO:
        try:
            return self._path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError):
            raise MissingObject(key, self.url) from None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def size(self, key: str) -> int:
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError:
            raise MissingObject(key, self.url) from None

    def list(self, prefix: str = "") -> Iterator[str]:
        folder = self.root / prefix if prefix else self.root
        if not folder.is_dir():
            return iter(())
        found = (
            path.relative_to(self.root).as_posix()
            for path in folder.rglob("*")
            if path.is_file() and not path.name.startswith(".")
        )
        return iter(sorted(found))


class S3Store:
    """Objects in a bucket under a prefix, through boto3 (any S3-compatible server)."""

    local = False

    def __init__(self, bucket: str, prefix: str, client: Any) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.url = f"s3://{bucket}/{self.prefix}"
        self.client = client

    def _key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def _missing(self, error: Exception) -> bool:
        code = getattr(error, "response", {}).get("Error", {}).get("Code")
        return code in {"404", "NoSuchKey", "NotFound"}

    def put(self, key: str, stream: IO[bytes]) -> int:
        self.client.upload_fileobj(stream, self.bucket, self._key(key))
        return self.size(key)

    def open(self, key: str) -> BinaryIO:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        except Exception as error:
            if self._missing(error):
                raise MissingObject(key, self.url) from None
            raise

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def _head(self, key: str) -> dict[str, Any]:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except Exception as error:
            if self._missing(error):
                raise MissingObject(key, self.url) from None
            raise

    def exists(self, key: str) -> bool:
        try:
            self._head(key)
        except MissingObject:
            return False
        return True

    def size(self, key: str) -> int:
        return int(self._head(key)["ContentLength"])

    def list(self, prefix: str = "") -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix + prefix
        )
        keys = [item["Key"] for page in pages for item in page.get("Contents", ())]
        return iter(sorted(key[len(self.prefix) :] for key in keys))


def s3_client(endpoint_url: str | None) -> Any:
    try:
        import boto3
    except ImportError:
        raise StorageError(
            "an s3:// store needs boto3: pip install 'task-force-intranet[s3]'"
        ) from None
    return boto3.client("s3", endpoint_url=endpoint_url or None)


def from_url(url: str, endpoint_url: str | None = None) -> Store:
    """The store that `url` names: file:///absolute/folder or s3://bucket/prefix."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        path = unquote(parts.path)
        if parts.netloc not in ("", "localhost") or not path.startswith("/"):
            raise StorageError(f"{url}: a file store needs an absolute path, file:///srv/files")
        return FileStore(Path(path))
    if parts.scheme == "s3":
        if not parts.netloc:
            raise StorageError(f"{url}: name the bucket, s3://bucket/prefix")
        return S3Store(parts.netloc, parts.path, s3_client(endpoint_url))
    raise StorageError(f"{url}: INTRANET_STORAGE_URL must start with file:// or s3://")


def store() -> Store:
    """The current app's store."""
    return current_app.extensions["intranet_store"]


PROBE = "check/probe"


def deployment_problems(database_backend: str) -> tuple[list[str], list[str]]:
    """What `intranet check` reports about the store: (problems, warnings)."""
    files = store()
    problems, warnings = [], []
    for obsolete in ("INTRANET_ATTACHMENT_DIR", "INTRANET_PRIVACY_EXPORT_DIR"):
        if os.environ.get(obsolete):
            problems.append(
                f"{obsolete} is no longer read: move its files under {files.url}/attachments "
                "(or set INTRANET_STORAGE_URL) and remove it"
            )
    try:
        files.put(PROBE, io.BytesIO(b"intranet check"))
        with files.open(PROBE) as probe:
            probe.read()
        files.delete(PROBE)
    except Exception as error:  # any client error: say it, whatever its class
        problems.append(f"cannot write to and read from the store {files.url}: {error}")
    if files.local and database_backend == "postgresql":
        warnings.append(
            f"files are kept in the folder {files.url}: with several hosts it must be shared "
            "by all of them, or set INTRANET_STORAGE_URL to s3://bucket/prefix"
        )
    return problems, warnings


def init_app(app: Flask) -> None:
    default = Path(app.instance_path).resolve().as_uri()
    app.config.setdefault("STORAGE_URL", os.environ.get("INTRANET_STORAGE_URL") or default)
    app.config.setdefault("S3_ENDPOINT_URL", os.environ.get("INTRANET_S3_ENDPOINT_URL") or None)
    app.extensions["intranet_store"] = from_url(
        app.config["STORAGE_URL"], app.config["S3_ENDPOINT_URL"]
    )
