"""Backup and restore: the database and the uploaded files, into and out of one folder.

A backup folder holds `database.sqlite3` (SQLite's online backup: consistent while writes go
on) or `database.pgdump` (pg_dump's custom format: one snapshot), the `attachments/` folder and
`manifest.json`. The database is copied first and the files second, so every file a copied row
points to is in the backup (files are written before their row is committed).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import inspect
from sqlalchemy.engine import URL

from intranet.extensions import db
from intranet.models import utcnow

SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
FILES = "attachments"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why and what to do."""


@dataclass
class Manifest:
    created_at: str
    backend: str
    database_file: str
    files: int


def _attachment_dir() -> Path:
    return Path(current_app.config["ATTACHMENT_DIR"])


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


def backup(target: Path) -> Manifest:
    """Write a consistent backup of the database and the uploaded files into the new folder."""
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new folder name")
    if not target.parent.is_dir():
        raise BackupError(f"folder {target.parent} does not exist")
    url = _url()
    target.mkdir()
    if url.get_backend_name() == "sqlite":
        database_file = SQLITE_FILE
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
    files = _attachment_dir()
    count = 0
    if files.is_dir():
        shutil.copytree(files, target / FILES)
        count = sum(1 for path in (target / FILES).rglob("*") if path.is_file())
    manifest = Manifest(utcnow().isoformat(), url.get_backend_name(), database_file, count)
    (target / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2) + "\n")
    return manifest


def _has_data() -> bool:
    tables = inspect(db.engine).get_table_names()
    if "user_account" not in tables:
        return False
    with db.engine.connect() as connection:
        return bool(connection.exec_driver_sql("SELECT 1 FROM user_account LIMIT 1").first())


def restore(source: Path, *, replace: bool = False) -> Manifest:
    """Load a backup folder into the configured database and attachment folder.

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
    files = source / FILES
    if files.is_dir():
        destination = _attachment_dir()
        if replace and destination.is_dir():
            shutil.rmtree(destination)
        shutil.copytree(files, destination, dirs_exist_ok=True)
    return manifest
