"""Alembic environment shared by the core and every plugin (each plugin is its own branch)."""

import logging
import re
from logging.config import fileConfig

from alembic import context
from flask import current_app

from intranet.platform import schema
from intranet_core_migrations import sqlite_autogenerate  # noqa: F401 - registers the SQLite impl

config = context.config
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

migrate_ext = current_app.extensions["migrate"]
engine = migrate_ext.db.engine
config.set_main_option(
    "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
)
target_metadata = migrate_ext.db.metadata


def skip_empty_autogenerate(context, revision, directives):
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def include_name(name, type_, parent_names):
    """Skip objects the migrations create by hand (full-text tables, expression indexes)."""
    pattern = target_metadata.info.get("unmodelled_pattern")
    return not (pattern and re.search(pattern, name or ""))


def run_migrations_offline():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    configure_args = dict(migrate_ext.configure_args)
    configure_args.setdefault("process_revision_directives", skip_empty_autogenerate)
    configure_args.setdefault("include_name", include_name)
    # Every online command (`flask db upgrade` too) holds the schema lock: see schema.lock.
    with schema.lock(), engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, **configure_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
