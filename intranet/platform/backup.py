"""Backup and restore: the database and the stored files, into and out of one folder.

A backup folder holds `database.sqlite3` (SQLite's online backup: consistent while writes go
on) or `database.pgdump` (pg_dump's custom format: one snapshot), the store's `attachments/`
objects (copied from a file:// or s3:// store alike, so a backup restores into either) and
`manifest.json`. The database is copied first and the files second, so every file a copied row
points to is in the backup (objects are stored before their row is committed). A file the
database names but the store does not hold is listed in the manifest and reported, never
silently left out. Privacy export archives are not backed up: they are personal data kept for
hours, and rebuilt on request. The folder is readable by its owner only (700/600): it holds
password hashes and two-factor secrets.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import inspect, select
from sqlalchemy.engine import URL

from intranet.extensions import db
from intranet.models import utcnow
from intranet.platform.attachments import FOLDER, Attachment
from intranet.platform.storage import CHUNK, MissingObject, store

SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
FILES = FOLDER.rstrip("/")
MANIFEST = "manifest.json"


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why and what to do."""


@dataclass
class Manifest:
    created_at: str
    backend: str
    database_file: str
    files: int
    storage: str = ""
    missing: list[str] = field(default_factory=list)


def _url() -> URL:
    return db.engine.url


def _pg_tool(name: str) -> str:
    """pg_dump / pg_restore from PATH, else from the newest PostgreSQL install on the machine."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if candidates:
        return str(candidates[-1])
    raise BackupError(f"{name} is not installed (apt-get install postgresql-client)")


def _pg_command(tool: str, url: URL) -> tuple[list[str], dict[str, str]]:
    """The libpq arguments for `url`, with the password in the environment, not the process list."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    args = [_pg_tool(tool), "--dbname", url.database or "postgres", "--no-password"]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    return args, env


def _run(args: list[str], env: dict[str, str]) -> None:
    # The arguments are this instance's own database URL parts and paths, never user input.
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip()[:2000]}")


def _private(target: Path) -> None:
    """Owner-only modes for the backup folder and everything in it."""
    for path in [target, *target.rglob("*")]:
        path.chmod(0o700 if path.is_dir() else 0o600)


def _referenced_keys() -> set[str]:
    return {FOLDER + name for name in db.session.scalars(select(Attachment.storage_path))}


def _copy_out(key: str, target: Path) -> None:
    destination = target / key
    destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with store().open(key) as source, os.fdopen(handle, "wb") as out:
        shutil.copyfileobj(source, out, CHUNK)


def backup(target: Path) -> Manifest:
    """Write a consistent backup of the database and the stored files into the new folder."""
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new folder name")
    if not target.parent.is_dir():
        raise BackupError(f"folder {target.parent} does not exist")
    url = _url()
    referenced = _referenced_keys()
    db.session.rollback()
    target.mkdir(mode=0o700)
    target.chmod(0o700)
    if url.get_backend_name() == "sqlite":
        database_file = SQLITE_FILE
        os.close(os.open(target / database_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        source = sqlite3.connect(url.database)
        copy = sqlite3.connect(target / database_file)
        try:
            with copy:
                source.backup(copy)
        finally:
            source.close()
            copy.close()
    elif url.get_backend_name() == "postgresql":
        database_file = PG_FILE
        args, env = _pg_command("pg_dump", url)
        _run([*args, "--format=custom", "--file", str(target / database_file)], env)
    else:
        raise BackupError(f"cannot back up a {url.get_backend_name()} database")
    copied = set()
    for key in store().list(FOLDER):
        try:
            _copy_out(key, target)
        except MissingObject:
            continue  # deleted since it was listed: its row went first
        copied.add(key)
    still_referenced = _referenced_keys() if referenced - copied else set()
    missing = sorted((referenced - copied) & still_referenced)
    manifest = Manifest(utcnow().isoformat(), url.get_backend_name(), database_file, len(copied))
    manifest.storage, manifest.missing = store().url, missing
    (target / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2) + "\n")
    _private(target)
    return manifest


def _has_data() -> bool:
    tables = inspect(db.engine).get_table_names()
    if "user_account" not in tables:
        return False
    with db.engine.connect() as connection:
        return bool(connection.exec_driver_sql("SELECT 1 FROM user_account LIMIT 1").first())


def restore(source: Path, *, replace: bool = False) -> Manifest:
    """Load a backup folder into the configured database and store.

    Refuses to overwrite a database that has accounts unless `replace` is given.
    """
    try:
        manifest = Manifest(**json.loads((source / MANIFEST).read_text()))
    except (OSError, ValueError, TypeError) as error:
        raise BackupError(f"{source} is not a backup folder ({error})") from None
    url = _url()
    if manifest.backend != url.get_backend_name():
        raise BackupError(
            f"the backup is of a {manifest.backend} database; this intranet uses "
            f"{url.get_backend_name()}"
        )
    if _has_data() and not replace:
        raise BackupError(
            "the database already has accounts; restore into a fresh one, or pass --replace "
            "to overwrite it"
        )
    db.session.remove()
    db.engine.dispose()
    if manifest.backend == "sqlite":
        backup_copy = sqlite3.connect(source / manifest.database_file)
        live = sqlite3.connect(url.database)
        try:
            with live:
                backup_copy.backup(live)
        finally:
            backup_copy.close()
            live.close()
    else:
        args, env = _pg_command("pg_restore", url)
        _run(
            [
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                str(source / manifest.database_file),
            ],
            env,
        )
    return _restore_files(source, manifest, replace=replace)


def _restore_files(source: Path, manifest: Manifest, *, replace: bool) -> Manifest:
    """Put the backup's files into the configured store; list what the database names but
    neither the backup nor the store holds."""
    files = source / FILES
    kept = set()
    for path in sorted(files.rglob("*")) if files.is_dir() else ():
        if path.is_file():
            key = path.relative_to(source).as_posix()
            with path.open("rb") as stream:
                store().put(key, stream)
            kept.add(key)
    if replace:
        for key in store().list(FOLDER):
            if key not in kept:
                store().delete(key)
    manifest.missing = sorted(key for key in _referenced_keys() if not store().exists(key))
    db.session.rollback()
    return manifest
