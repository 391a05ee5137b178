"""The tests' PostgreSQL databases are emptied and used again (`intranet/testing_databases.py`):
a database given back must be exactly as the template had it, or be replaced by a new copy."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from intranet.testing_databases import POSTGRES_URL, TemplateCopies, postgres_url

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="the copies are PostgreSQL databases")


@pytest.fixture
def copies(database_template: str) -> Iterator[TemplateCopies]:
    copies = TemplateCopies(database_template)
    yield copies
    copies.close()


def contents(name: str) -> dict[str, object]:
    """Every table's rows, every sequence's state and the planner's statistics."""
    engine = sa.create_engine(postgres_url(name), poolclass=sa.NullPool)
    with engine.connect() as connection:
        run = connection.exec_driver_sql
        tables = run("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").scalars()
        found: dict[str, object] = {
            table: sorted(map(repr, run(f'SELECT * FROM "{table}"').all()))  # noqa: S608
            for table in tables
        }
        found["planner"] = run(  # what the planner knows of each table and index
            "SELECT oid, relpages, reltuples, relallvisible FROM pg_class"
            " WHERE oid >= 16384 AND relkind IN ('r', 'i', 't', 'm') ORDER BY oid"
        ).all()
        found["statistics"] = run(
            "SELECT starelid::regclass::text FROM pg_statistic WHERE starelid >= 16384"
        ).all()
        found["sequences"] = run(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
            " ORDER BY 1"
        ).all()
    engine.dispose()
    return found


def change(name: str, *statements: str) -> None:
    engine = sa.create_engine(postgres_url(name), poolclass=sa.NullPool)
    with engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)
    engine.dispose()


def next_turn(copies: TemplateCopies, name: str) -> str:
    """Gives `name` back and takes databases until the one that comes after it."""
    copies.give_back(name)
    other = copies.take()
    copies.give_back(other)
    return copies.take()


def test_a_database_given_back_is_as_the_template_had_it(copies, database_template):
    template = contents(database_template)
    name = copies.take()
    assert contents(name) == template
    change(
        name,
        "INSERT INTO organisation (name, kind, country_code)"
        " SELECT 'Left behind', 'other', min(code) FROM country",
        "UPDATE country SET name = name || ' (changed)'",
        "DELETE FROM data_stamp",
        "SELECT nextval('organisation_id_seq') FROM generate_series(1, 5)",
        "ANALYZE organisation, country",
    )
    assert contents(name) != template

    again = next_turn(copies, name)

    assert again == name, copies.replaced  # emptied, not copied again
    assert contents(again) == template


def test_a_database_whose_schema_changed_is_replaced(copies, database_template):
    name = copies.take()
    change(name, "ALTER TABLE country ADD COLUMN motto text")

    again = next_turn(copies, name)

    assert again != name
    assert contents(again) == contents(database_template)
    admin = sa.create_engine(postgres_url("postgres"), poolclass=sa.NullPool)
    with admin.connect() as connection:
        left = connection.exec_driver_sql(
            "SELECT count(*) FROM pg_database WHERE datname = %s", (name,)
        ).scalar_one()
    admin.dispose()
    assert left == 0
