"""`intranet backup` while people write, then `intranet restore` into a fresh instance."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from intranet.platform.backup import _pg_tool
from tests.conftest import POSTGRES_URL, _postgres_admin, _postgres_url
from tests.reliability.harness import (
    Browser,
    Server,
    Writer,
    flask_cli,
    populate,
    server_env,
    start_writers,
)

DOCUMENT = b"%PDF-1.4\n% Minutes of the plenary in Riga\n" + b"0" * 4000 + b"\n%%EOF\n"


def sqlite_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table of a SQLite file, in a stable order."""
    with sqlite3.connect(path) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            table: sorted(
                connection.execute(f'SELECT * FROM "{table}"').fetchall(),  # noqa: S608
                key=repr,
            )
            for table in tables
        }


def copy_blocks(sql: str) -> dict[str, list[str]]:
    """The rows of a plain-text PostgreSQL dump: COPY blocks by table, each sorted."""
    blocks: dict[str, list[str]] = {}
    table = None
    for line in sql.splitlines():
        if table is None and line.startswith("COPY "):
            table = line.split()[1]
            blocks[table] = []
        elif table is not None and line == "\\.":
            blocks[table].sort()
            table = None
        elif table is not None:
            blocks[table].append(line)
    return blocks


def postgres_rows(backup_file: Path, restored_url: str) -> tuple[dict, dict]:
    """The backup's rows (pg_restore to SQL) and the restored database's rows (pg_dump)."""
    url = sa.make_url(restored_url)
    in_backup = subprocess.run(
        [_pg_tool("pg_restore"), "--data-only", "--file=-", str(backup_file)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    args = [_pg_tool("pg_dump"), "--data-only", "--dbname", url.database, "--host", url.host]
    args += ["--port", str(url.port), "--username", url.username or "postgres"]
    in_restored = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return copy_blocks(in_backup), copy_blocks(in_restored)


def fresh_database(tmp_path) -> str:
    if not POSTGRES_URL:
        return f"sqlite:///{tmp_path / 'restored.db'}"
    name = f"intranet_restored_{uuid.uuid4().hex[:8]}"
    admin = _postgres_admin()
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return _postgres_url(name)


def test_a_backup_taken_during_writes_restores_into_a_fresh_instance(app, database_url, tmp_path):
    population = populate(app, 6)
    source = server_env(database_url, tmp_path / "source")
    backup = tmp_path / "backup"
    with Server(source, tmp_path / "source.log", workers=2) as server:
        uploader = Browser(server.url)
        uploader.login(population.emails[0])
        uploaded = uploader.upload(
            f"/subgroups/{population.group_id}/documents", "file", "minutes.pdf", DOCUMENT
        )
        assert uploaded.status == 303, uploaded.body[:2000]
        stop = threading.Event()
        writers = [
            Writer(server.url, email, population.group_id, stop) for email in population.emails
        ]
        start_writers(writers)
        deadline = time.monotonic() + 120
        while sum(len(w.acknowledged) for w in writers) < 12 and time.monotonic() < deadline:
            time.sleep(0.2)
        backup_started = time.monotonic()
        result = flask_cli(source, "backup", str(backup))
        assert result.returncode == 0, result.stderr
        time.sleep(2)
        stop.set()
        for writer in writers:
            writer.join(timeout=120)

    restored_url = fresh_database(tmp_path)
    target = server_env(restored_url, tmp_path / "restored")
    result = flask_cli(target, "restore", str(backup))
    assert result.returncode == 0, result.stdout + result.stderr

    before_backup = {
        title for writer in writers for at, title in writer.acknowledged if at < backup_started
    }
    everything = {title for writer in writers for _, title in writer.acknowledged}
    assert len(before_backup) >= 12
    engine = sa.create_engine(restored_url)
    with engine.connect() as connection:
        titles = set(connection.execute(sa.text("SELECT title FROM subgroups_thread")).scalars())
        empty = connection.execute(
            sa.text(
                "SELECT count(*) FROM subgroups_thread t WHERE NOT EXISTS "
                "(SELECT 1 FROM subgroups_post p WHERE p.thread_id = t.id)"
            )
        ).scalar()
    engine.dispose()
    topics = {title for title in titles if " topic " in title}
    assert before_backup <= topics  # everything acknowledged before the backup is in it
    assert topics <= everything  # and nothing that was never acknowledged
    assert empty == 0
    if not POSTGRES_URL:
        with sqlite3.connect(backup / "database.sqlite3") as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        restored_file = Path(sa.make_url(restored_url).database)
        assert sqlite_rows(backup / "database.sqlite3") == sqlite_rows(restored_file)
    else:
        in_backup, in_restored = postgres_rows(backup / "database.pgdump", restored_url)
        assert in_backup and in_backup == in_restored

    # The restored instance serves, with the uploaded file.
    with Server(target, tmp_path / "restored.log", workers=1) as server:
        browser = Browser(server.url)
        browser.login(population.emails[1])
        page = browser.get(f"/subgroups/{population.group_id}")
        assert page.status == 200 and "minutes.pdf" in page.body
        link = page.body.split('href="/attachments/', 1)[1].split('"', 1)[0]
        document = browser.get(f"/attachments/{link}")
        assert document.status == 200 and document.body == DOCUMENT.decode()
    if POSTGRES_URL:
        admin = _postgres_admin()
        with admin.connect() as connection:
            name = sa.make_url(restored_url).database
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
