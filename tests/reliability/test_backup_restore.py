"""`intranet backup` while people write, then `intranet restore` into a fresh instance."""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid

import sqlalchemy as sa

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
TABLES = ("user_account", "subgroups_group", "subgroups_thread", "subgroups_post", "attachment")


def counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table: connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: S608
                for table in TABLES
            }
    finally:
        engine.dispose()


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
        assert counts(f"sqlite:///{backup / 'database.sqlite3'}") == counts(restored_url)

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
