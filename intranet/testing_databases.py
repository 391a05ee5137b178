"""PostgreSQL databases for tests: a template migrated once per session, and two working copies
of it that the tests take in turn.

A copy made with CREATE DATABASE costs about 0.2 s of the server's time (it writes some 400
files), more than most tests. So a copy is made twice per worker and then emptied after each
test, in a thread while the next test runs on the other copy: its tables are cleared, the rows
the template holds (countries, schema versions, data stamps) written back, every sequence set
to where the template's stands and the planner's statistics to none, as in a new copy. A test
that changed the schema (a migration test) or wrote much data gets a new copy instead, so no
test sees another's tables or rows. A test that reads the planner's choices asks for a new
copy with the `fresh_database` mark: an emptied index keeps its pages, and the planner counts
them.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor

import sqlalchemy as sa

POSTGRES_URL = os.environ.get("INTRANET_TEST_DATABASE_URL", "")
_counter = itertools.count()

# The catalogue rows that make up the schema (16384 is where the server's own objects end), by
# content: a migration, a new table, column, index, constraint, type or function changes it;
# clearing rows or ANALYZE does not.
SCHEMA = """
SELECT md5(string_agg(part, '|' ORDER BY part)) FROM (
    SELECT concat_ws(',', 'c', oid, relname, relkind, relnatts) FROM pg_class
        WHERE oid >= 16384
    UNION ALL SELECT concat_ws(',', 'a', attrelid, attname, atttypid, attnotnull, attisdropped)
        FROM pg_attribute WHERE attrelid >= 16384 AND attnum > 0
    UNION ALL SELECT concat_ws(',', 'k', oid, conname, convalidated) FROM pg_constraint
    UNION ALL SELECT concat_ws(',', 'd', oid, adrelid, adnum) FROM pg_attrdef
    UNION ALL SELECT concat_ws(',', 't', oid, typname) FROM pg_type WHERE oid >= 16384
    UNION ALL SELECT concat_ws(',', 'p', oid, proname, md5(prosrc)) FROM pg_proc
        WHERE oid >= 16384
    UNION ALL SELECT concat_ws(',', 'g', oid, tgname, tgenabled) FROM pg_trigger
    UNION ALL SELECT concat_ws(',', 'e', oid, extname, extversion) FROM pg_extension
) AS parts (part)
"""
TABLES = "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'"
SEQUENCES = """SELECT quote_ident(sequencename), coalesce(last_value, start_value),
    last_value IS NOT NULL FROM pg_sequences WHERE schemaname = 'public'"""
# What the planner knows of each table and index: a copy's plans are those of a new copy.
SIZES = """SELECT oid, relpages, reltuples, relallvisible FROM pg_class
    WHERE oid >= 16384 AND relkind IN ('r', 'i', 't', 'm')"""
# A test that left more than this in its copy (the performance guard's data) gets a new one.
MAX_GROWTH = 16 * 1024 * 1024


def postgres_url(database: str) -> str:
    """The URL of `database` on the INTRANET_TEST_DATABASE_URL server."""
    url = sa.make_url(POSTGRES_URL).set(drivername="postgresql+psycopg", database=database)
    return url.render_as_string(hide_password=False)


def postgres_admin() -> sa.Engine:
    """An autocommit engine on the server's `postgres` database, to create and drop others."""
    return sa.create_engine(postgres_url("postgres"), isolation_level="AUTOCOMMIT")


def postgres_execute(statement: str) -> None:
    admin = postgres_admin()
    with admin.connect() as connection:
        connection.execute(sa.text(statement))
    admin.dispose()


class TemplateCopies:
    """Working copies of `template`, made and emptied in a thread of their own."""

    def __init__(self, template: str) -> None:
        self.template = template
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="template-copies")
        self.ready: deque[Future[str]] = deque()
        self.made: set[str] = set()
        self.replaced: list[str] = []  # why a copy was dropped instead of emptied
        engine = sa.create_engine(postgres_url(template), poolclass=sa.NullPool)
        with engine.connect() as connection:
            run = connection.exec_driver_sql
            self.schema = run(SCHEMA).scalar_one()
            self.size = run("SELECT pg_database_size(current_database())").scalar_one()
            self.tables = run(TABLES).scalars().all()
            self.sequences = run(SEQUENCES).all()
            self.sizes = run(SIZES).all()
            rows = {table: _copy_out(connection, table) for table in self.tables}
        engine.dispose()
        self.rows = {table: data for table, data in rows.items() if data}
        for _ in range(2):
            self.ready.append(self.worker.submit(self._create))

    def _create(self) -> str:
        name = f"intranet_t{os.getpid()}_{next(_counter)}"
        postgres_execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}" STRATEGY FILE_COPY')
        self.made.add(name)
        return name

    def _drop(self, name: str) -> None:
        postgres_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.made.discard(name)

    def _empty(self, name: str) -> str:
        """`name` as the template has it, or a new copy if that would not be the same."""
        engine = sa.create_engine(postgres_url(name), poolclass=sa.NullPool)
        try:
            with engine.connect() as connection:
                self._restore(connection)
                connection.commit()
        except (LookupError, sa.exc.DBAPIError) as error:
            self.replaced.append(f"{name}: {error}")
            engine.dispose()
            self._drop(name)
            return self._create()
        engine.dispose()
        return name

    def _restore(self, connection: sa.Connection) -> None:
        run = connection.exec_driver_sql
        run(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        if run(SCHEMA).scalar_one() != self.schema:
            raise LookupError("the schema changed")
        if run("SELECT pg_database_size(current_database())").scalar_one() > self.size + MAX_GROWTH:
            raise LookupError("it grew")
        filled = " UNION ALL ".join(
            f"SELECT '{table}' WHERE EXISTS (SELECT FROM {table})"  # noqa: S608 - our tables
            for table in self.tables
        )
        run("SET LOCAL session_replication_role = replica")  # no foreign key order to follow
        for table in run(filled).scalars():
            run(f"DELETE FROM {table}")  # noqa: S608 - a table of the template
        for table, data in self.rows.items():
            cursor = connection.connection.driver_connection.cursor()
            with cursor, cursor.copy(f"COPY {table} FROM STDIN") as copy:
                copy.write(data)
        if self.sequences:
            run(
                "SELECT "
                + ", ".join(
                    f"setval('{sequence}', {value}, {called})"
                    for sequence, value, called in self.sequences
                )
            )
        run("DELETE FROM pg_statistic WHERE starelid >= 16384")  # as never analysed
        oids, pages, tuples, visible = zip(*self.sizes, strict=True)
        run(
            "UPDATE pg_class SET relpages = size.pages, reltuples = size.tuples,"
            " relallvisible = size.visible"
            " FROM unnest(%s::oid[], %s::int[], %s::real[], %s::int[])"
            " AS size (oid, pages, tuples, visible) WHERE pg_class.oid = size.oid"
            " AND (relpages, reltuples, relallvisible) <> (size.pages, size.tuples, size.visible)",
            (list(oids), list(pages), list(tuples), list(visible)),
        )

    def take(self, fresh: bool = False) -> str:
        """A database as the template has it; a `fresh` one is a new copy (its tables' and
        indexes' files as small as the template's, for a test that reads the planner's
        choices: an emptied index may keep its pages and the planner counts them)."""
        if fresh:
            return self.worker.submit(self._create).result()
        if not self.ready:
            self.ready.append(self.worker.submit(self._create))
        return self.ready.popleft().result()

    def give_back(self, name: str) -> None:
        """`name` is no longer used: empty it for a later test."""
        self.ready.append(self.worker.submit(self._empty, name))

    def close(self) -> None:
        """Drops every copy, those still taken too."""
        self.worker.shutdown(wait=True)
        for name in list(self.made):
            self._drop(name)


def _copy_out(connection: sa.Connection, table: str) -> bytes:
    cursor = connection.connection.driver_connection.cursor()
    with cursor, cursor.copy(f"COPY {table} TO STDOUT") as copy:
        return b"".join(bytes(block) for block in copy)


def forget_changes(name: str) -> None:
    """Resets the server's counts of changed rows in `name` (the template: migrations update
    alembic_version once per revision), so that autovacuum does not analyse it during the
    session and copies made late do not differ from those made early. Only a superuser may."""
    engine = sa.create_engine(postgres_url(name), poolclass=sa.NullPool)
    with contextlib.suppress(sa.exc.DBAPIError), engine.begin() as connection:
        connection.exec_driver_sql("SELECT pg_stat_reset()")
    engine.dispose()
