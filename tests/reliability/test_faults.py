"""Faults: a worker killed mid-write, the database server restarting, the mail server down.

(A plugin hook that raises is covered in tests/test_plugins.py: the page renders without that
plugin's part and the error is logged.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from intranet import create_app
from intranet.extensions import db
from intranet.models import User
from intranet.platform.mail_sender import deliver_round
from intranet.platform.notifications import notify
from tests.conftest import POSTGRES_URL, base_config, migrate
from tests.reliability.harness import (
    Browser,
    Server,
    Writer,
    free_port,
    populate,
    server_env,
    start_writers,
)

PG_BIN = Path("/usr/lib/postgresql/15/bin")


# --- a worker killed in the middle of writes ---------------------------------------------------


def test_killing_a_worker_mid_write_leaves_no_partial_objects(app, database_url, tmp_path):
    from intranet_subgroups.models import Post, Thread

    population = populate(app, 8)
    with Server(server_env(database_url, tmp_path), tmp_path / "server.log", workers=2) as server:
        stop = threading.Event()
        writers = [
            Writer(server.url, email, population.group_id, stop) for email in population.emails
        ]
        start_writers(writers)
        time.sleep(3)
        killed = server.kill_worker()
        time.sleep(5)
        stop.set()
        for writer in writers:
            writer.join(timeout=120)
        assert killed not in server.worker_pids()
        assert Browser(server.url).get("/login").status == 200  # a new worker took over

    assert [code for writer in writers for code in writer.server_errors] == []
    db.session.expire_all()
    if db.engine.url.get_backend_name() == "sqlite":
        assert db.session.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
        assert db.session.execute(sa.text("PRAGMA foreign_key_check")).all() == []
    titles = set(
        db.session.scalars(select(Thread.title).where(Thread.group_id == population.group_id))
    )
    acknowledged = {title for writer in writers for _, title in writer.acknowledged}
    assert len(acknowledged) > 10
    assert acknowledged <= titles
    empty_threads = db.session.scalar(
        select(func.count()).select_from(Thread).where(~Thread.posts.any())
    )
    assert empty_threads == 0
    orphans = db.session.scalar(select(func.count()).select_from(Post).where(~Post.thread.has()))
    assert orphans == 0


# --- the database server stops and starts again ------------------------------------------------


def as_postgres(*args: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else list(args)


@pytest.fixture
def own_postgres(tmp_path: Path):
    """A PostgreSQL server of this test's own (never the shared one): it is stopped mid-test."""
    if not POSTGRES_URL:
        pytest.skip("runs with the PostgreSQL suite (INTRANET_TEST_DATABASE_URL)")
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"no PostgreSQL binaries in {PG_BIN}")
    # Outside pytest's root-only temporary folder, so the postgres user can reach it.
    folder = Path(tempfile.mkdtemp(prefix="intranet-test-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data = folder / "data"
    subprocess.run(
        as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"),
        check=True,
        capture_output=True,
        cwd="/",
    )
    port = free_port()

    def pg_ctl(*args: str) -> None:
        subprocess.run(
            as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "-t", "60", *args),
            check=True,
            capture_output=True,
            cwd="/",
        )

    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off"
    pg_ctl("-o", options, "-l", str(folder / "log"), "start")
    try:
        yield (
            f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres",
            lambda: pg_ctl("-m", "fast", "stop"),
            lambda: pg_ctl("-o", options, "-l", str(folder / "log"), "start"),
        )
    finally:
        subprocess.run(
            as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"),
            capture_output=True,
            cwd="/",
            check=False,
        )
        shutil.rmtree(folder, ignore_errors=True)


def test_the_database_restarting_gives_a_clear_503_then_recovers(own_postgres, tmp_path):
    url, stop_database, start_database = own_postgres
    own = create_app(base_config(tmp_path, url))
    migrate(own)
    with own.app_context():
        email = populate(own, 1).emails[0]
        db.engine.dispose()

    with Server(server_env(url, tmp_path), tmp_path / "server.log", workers=2) as server:
        browser = Browser(server.url)
        browser.login(email)
        assert browser.get("/").status == 200

        stop_database()
        for path in ("/", "/directory", "/subgroups/"):
            answer = browser.get(path)
            assert answer.status == 503, (path, answer.status, server.log_tail())
            assert "briefly unavailable" in answer.body
            assert answer.headers.get("Retry-After") == "30"

        start_database()
        # Every worker recovers on its own: no restart of the application.
        answers = [browser.get("/").status for _ in range(8)]
        assert answers == [200] * 8, server.log_tail()


# --- the mail server is down -------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


def test_with_the_mail_server_down_actions_complete_and_mail_follows_later(
    app, client, admin, make_user
):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_STARTTLS=False)
    # Nobody listens on that port: the mail server is down.
    client.login(admin.email)
    answer = client.submit(
        "/admin/users/new", {"name": "Jonas Expert", "email": "jonas@example.org", "role": "member"}
    )
    assert answer.status_code == 303
    created = db.session.scalar(select(User).where(User.email == "jonas@example.org"))
    assert created is not None  # the action completed; its mail waits in the outbox

    colleague = make_user("member", email="kadri@example.org", notification_preference="immediate")
    result = notify([colleague], "test.event", "Agenda published")
    assert result.stored == 1 and result.mailed == ["kadri@example.org"]

    assert deliver_round().deferred == 2  # still down: both wait for the server
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        app.config["SMTP_PORT"] = controller.port  # the mail server is back
        assert deliver_round().sent == 2  # at once, not after the backoff
        assert deliver_round().sent == 0  # sent once, not again
        assert sorted(recorder.recipients) == [["jonas@example.org"], ["kadri@example.org"]]
        resend = client.submit(f"/admin/users/{created.id}/resend-activation")
        assert resend.status_code in (200, 303)
        deliver_round()
        assert recorder.recipients[-1] == ["jonas@example.org"]
    finally:
        controller.stop()
