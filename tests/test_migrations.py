"""The schema comes from migrations only, and the migrations match the models."""

from __future__ import annotations

import json
import re
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from intranet.extensions import db
from intranet.models import FULLTEXT_OBJECT_NAME
from intranet.platform import plugins, schema
from intranet.testing import tables_of_other_plugins
from intranet_core_migrations import sqlite_autogenerate  # noqa: F401 - as env.py does


def unmodelled(name, type_, parent_names):
    return not re.search(FULLTEXT_OBJECT_NAME, name or "")


def test_autogenerate_finds_no_difference_between_models_and_migrations(app):
    foreign = tables_of_other_plugins()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": unmodelled,
                "include_object": lambda _object, name, kind, *_: (
                    not (kind == "table" and name in foreign)
                ),
            },
        )
        differences = [d for d in compare_metadata(context, db.metadata)]
    assert differences == []


def test_flask_db_check_finds_no_difference(app):
    """`flask db check`, as an operator runs it after an upgrade (SQLite: the column-level
    foreign key core_0002 adds is read with its name and ON DELETE rule)."""
    # Tables of an installed plugin this app did not load (CI installs examples/polls; an
    # earlier app in the session imported its models) are not this database's business.
    foreign = tables_of_other_plugins()
    schema.prepare(app)
    arguments = app.extensions["migrate"].configure_args
    arguments["include_object"] = lambda _object, name, kind, *_: (
        not (kind == "table" and name in foreign)
    )
    try:
        result = app.test_cli_runner().invoke(args=["db", "check"])
    finally:
        del arguments["include_object"]
    assert result.exit_code == 0, result.output


def test_deleting_an_organisation_keeps_its_members(app, make_user):
    from intranet.models import Organisation, User

    organisation = Organisation(name="Police Board", kind="authority", country_code="FI")
    db.session.add(organisation)
    db.session.commit()
    user = make_user(organisation_id=organisation.id)
    db.session.delete(organisation)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(User, user.id).organisation_id is None


def test_every_plugin_branch_is_applied(app):
    tables = set(inspect(db.engine).get_table_names())
    assert {"user_account", "plugin_state", "audit_event", "example_note"} <= tables
    with db.engine.connect() as connection:
        heads = set(MigrationContext.configure(connection).get_current_heads())
    assert "example_0001" in heads


def test_upgrading_again_changes_nothing(app):
    schema.upgrade()
    schema.upgrade()
    assert "user_account" in inspect(db.engine).get_table_names()


def test_governance_settings_move_into_the_core_table(app):
    from sqlalchemy import text

    schema.downgrade("governance_0002")
    with db.engine.begin() as connection:
        values = {
            row.key: row.value
            for row in connection.execute(text("SELECT * FROM governance_setting"))
        }
        assert values == {}
        connection.execute(
            text(
                "INSERT INTO governance_setting (key, value) VALUES ('mandate_warning_days', '90')"
            )
        )
    schema.upgrade()
    with db.engine.connect() as connection:
        moved = connection.execute(text("SELECT plugin, key, value FROM setting_value")).all()
    assert [
        (plugin, key, json.loads(value) if isinstance(value, str) else value)
        for plugin, key, value in moved
    ] == [("governance", "mandate_warning_days", 90)]
    assert "governance_setting" not in inspect(db.engine).get_table_names()


def test_every_revision_id_fits_the_version_table(app):
    """alembic_version holds 32 characters: PostgreSQL refuses a longer id when the upgrade
    records it, and SQLite, which does not check, would let it pass every test."""
    locations = [Path(schema.MIGRATIONS_DIR) / "versions"]
    locations += [Path(location) for location in plugins.migration_locations(app)]
    revisions = [
        re.search(r'^revision = "([^"]+)"', path.read_text(), re.M).group(1)
        for location in locations
        for path in location.glob("*.py")
    ]
    assert len(revisions) > 40
    assert [revision for revision in revisions if len(revision) > 32] == []
