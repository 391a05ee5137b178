"""The schema comes from migrations only, and the migrations match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect

from intranet.extensions import db


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    # FTS shadow tables, PostgreSQL full-text indexes and similar engine-specific objects are
    # not in the models.
    differences = [
        d
        for d in differences
        if not (d[0] in ("remove_table", "remove_index") and "fts" in d[1].name)
    ]
    assert differences == []


def test_every_plugin_branch_is_applied(app):
    tables = set(inspect(db.engine).get_table_names())
    assert {"user_account", "plugin_state", "audit_event", "example_note"} <= tables
    with db.engine.connect() as connection:
        heads = set(MigrationContext.configure(connection).get_current_heads())
    assert "example_0001" in heads


def test_upgrading_again_changes_nothing(app):
    upgrade(revision="heads")
    upgrade(revision="heads")
    assert "user_account" in inspect(db.engine).get_table_names()
