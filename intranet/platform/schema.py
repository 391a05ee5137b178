"""The schema: one Alembic environment (Flask-Migrate) for the core and every installed plugin.

Flask-Migrate, and Alembic behind it, are imported only when the schema is migrated
(`intranet init`, `intranet restore`, `flask db ...`): a web worker never needs them, and
they cost a starting worker about 120 ms.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from sqlalchemy import text

import intranet_core_migrations
from intranet.extensions import db
from intranet.platform import plugins, stamps

MIGRATIONS_DIR = Path(intranet_core_migrations.__file__).resolve().parent
# The key of the PostgreSQL advisory lock: the bytes of "intranet" as a positive bigint.
SCHEMA_LOCK_KEY = int.from_bytes(b"intranet")
_lock_state = threading.local()
_open_files: dict[str, Any] = {}


@contextmanager
def lock() -> Iterator[None]:
    """Hold the database-wide schema lock: `init`, `restore` and migrations on several hosts at
    once run one after the other, and the later ones find the schema up to date.

    PostgreSQL: a session advisory lock on a connection of its own, released by unlocking or,
    should that connection break, by closing it. SQLite: an exclusive `flock` on the database
    file itself (SQLite's own locks are POSIX record locks, which `flock` does not touch), so
    no lock file is left behind, a run waits as long as the other one needs, and a killed run
    releases it. Re-entrant
    within a process: `init` holds it around the upgrade, whose Alembic environment takes it too.
    """
    if getattr(_lock_state, "held", False):
        yield
        return
    _lock_state.held = True
    try:
        url = db.engine.url
        if url.get_backend_name() == "postgresql":
            with _advisory_lock():
                yield
        elif url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            database_file = _open_for_locking(Path(url.database))
            fcntl.flock(database_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(database_file, fcntl.LOCK_UN)
        else:
            yield
    finally:
        _lock_state.held = False


def _open_for_locking(path: Path) -> Any:
    """The database file, opened once per process and never closed: closing any descriptor of
    a file drops every POSIX lock the process holds on it, SQLite's own included."""
    key = str(path.resolve())
    if key not in _open_files:
        path.parent.mkdir(parents=True, exist_ok=True)
        _open_files[key] = path.open("ab")
    return _open_files[key]


@contextmanager
def _advisory_lock() -> Iterator[None]:
    connection = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
        yield
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SCHEMA_LOCK_KEY})
    except BaseException:
        connection.invalidate()  # a closed session holds no lock; never pool a locked one
        raise
    finally:
        connection.close()


def prepare(app: Flask) -> None:
    """Make Flask-Migrate's functions and commands work on `app`, with every plugin's
    revisions in `version_locations` (once per app)."""
    if "migrate" in app.extensions:
        return
    # Imported after logging is set up, Alembic would announce each of its plugins at INFO.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    from flask_migrate import Migrate

    migrate = Migrate(
        app, db, directory=str(MIGRATIONS_DIR), compare_type=True, render_as_batch=True
    )

    @migrate.configure
    def add_plugin_migrations(alembic_config: Any) -> Any:
        locations = [str(MIGRATIONS_DIR / "versions"), *plugins.migration_locations(app)]
        alembic_config.set_main_option("version_locations", os.pathsep.join(locations))
        return alembic_config


def upgrade(revision: str = "heads") -> None:
    """Upgrade the schema of the core and every installed plugin (idempotent; under `lock`)."""
    prepare(current_app)
    from flask_migrate import upgrade as alembic_upgrade

    with lock():
        alembic_upgrade(revision=revision)
        stamps.seed()


def downgrade(revision: str) -> None:
    prepare(current_app)
    from flask_migrate import downgrade as alembic_downgrade

    alembic_downgrade(revision=revision)


class MigrationCommands(click.Command):
    """`flask db ...`: hands the command line to Flask-Migrate's own group, imported then."""

    def __init__(self, app: Flask) -> None:
        super().__init__("db", help="Alembic migrations of the core and the plugins.")
        self.app = app

    def make_context(self, info_name: str | None, args: list[str], **extra: Any) -> click.Context:
        prepare(self.app)
        from flask_migrate.cli import db as commands

        return commands.make_context(info_name, args, **extra)


def init_app(app: Flask) -> None:
    app.cli.add_command(MigrationCommands(app))


def refresh_planner_statistics() -> None:
    """Fresh statistics for SQLite's query planner, which chooses its indexes by the counts
    ANALYZE writes and guesses without them (a directory search then read every member through
    the role index and sorted them). Nothing else writes them on SQLite; PostgreSQL's
    autovacuum keeps its own. Run by `init`, `demo` and daily by `run-jobs` (0.2 s at N=1)."""
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("ANALYZE"))
        db.session.commit()
