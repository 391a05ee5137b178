"""`intranet init` on a new host, and on several hosts at once: the schema lock makes the second
run wait, then find the schema up to date, instead of crashing on a half-created table."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from intranet.extensions import db
from intranet.models import User
from intranet.platform import schema
from tests.conftest import POSTGRES_URL, _postgres_admin, _postgres_url
from tests.reliability.harness import BIN, REPO, flask_cli, server_env


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """A database no `init` has touched yet (SQLite: a file in a folder that does not exist)."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'shared' / 'intranet.db'}"
        return
    name = f"intranet_init_{uuid.uuid4().hex[:8]}"
    admin = _postgres_admin()
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield _postgres_url(name)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """`flask --app wsgi intranet ARGS` started in the background, as on another host."""
    return subprocess.Popen(
        [str(BIN / "flask"), "--app", "wsgi", "intranet", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_two_hosts_running_init_at_once_both_succeed(empty_database, tmp_path):
    hosts = [server_env(empty_database, tmp_path / name) for name in ("host-a", "host-b")]
    runs = [start(env, "init") for env in hosts]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    for run, output in zip(runs, outputs, strict=True):
        assert run.returncode == 0, output
        assert "Database is up to date" in output
        assert "IntegrityError" not in output and "Traceback" not in output
    again = flask_cli(hosts[0], "init")
    assert again.returncode == 0, again.stdout + again.stderr


@pytest.mark.parametrize("secret_key", ["from the environment", "generated"])
def test_init_with_a_new_instance_folder_works_on_the_first_try(tmp_path, secret_key):
    env = server_env("", tmp_path / "new")
    del env["INTRANET_DATABASE_URL"]  # the default: a SQLite file in the instance folder
    if secret_key == "generated":
        del env["INTRANET_SECRET_KEY"]
    result = flask_cli(env, "init")
    assert result.returncode == 0, result.stdout + result.stderr
    instance = tmp_path / "new" / "instance"
    assert (instance / "intranet.db").stat().st_size > 0
    assert (instance / "secret_key").exists() == (secret_key == "generated")
    assert flask_cli(env, "check").returncode == 0


def test_restore_waits_while_another_host_migrates(app, database_url, tmp_path, make_user):
    saved = app.test_cli_runner().invoke(args=["intranet", "backup", str(tmp_path / "backup")])
    assert saved.exit_code == 0, saved.output
    make_user("member", email="after-the-backup@example.org")
    env = server_env(database_url, tmp_path / "host")
    with schema.lock():  # as an `init` on another host holds it
        restore = start(env, "restore", "--replace", str(tmp_path / "backup"))
        time.sleep(5)
        assert restore.poll() is None, restore.communicate()[0]
        assert emails() == ["after-the-backup@example.org"]  # nothing overwritten yet
    output = restore.communicate(timeout=300)[0]
    assert restore.returncode == 0, output
    assert "the schema is up to date" in output
    assert emails() == []


def emails() -> list[str]:
    """The accounts now, read in a transaction that ends at once (an open one would keep
    pg_restore from dropping the table)."""
    db.session.rollback()
    found = list(db.session.scalars(select(User.email)))
    db.session.rollback()
    return found
