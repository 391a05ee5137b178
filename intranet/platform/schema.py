"""The schema: one Alembic environment (Flask-Migrate) for the core and every installed plugin.

Flask-Migrate, and Alembic behind it, are imported only when the schema is migrated
(`intranet init`, `intranet restore`, `flask db ...`): a web worker never needs them, and
they cost a starting worker about 120 ms.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app

import intranet_core_migrations
from intranet.extensions import db
from intranet.platform import plugins

MIGRATIONS_DIR = Path(intranet_core_migrations.__file__).resolve().parent


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
    """Upgrade the schema of the core and every installed plugin (idempotent)."""
    prepare(current_app)
    from flask_migrate import upgrade as alembic_upgrade

    alembic_upgrade(revision=revision)


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
