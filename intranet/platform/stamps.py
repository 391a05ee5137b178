"""Figures counted from large tables, cached per process and never stale.

A plugin names the tables (or the one column of a table) its figures are counted from under a
stamp name: `watch("subgroups", SubGroup, Post, User.country_code)`. Every transaction that
writes one of them also gives the stamp's row in `data_stamp` a new random value when it
commits. `cached(name, key, compute)` reads the stamp (one small query) and counts again only
when this app's figures for `key` were counted under another stamp, so every worker on every
host sees a change on its next request. The stamp is random rather than a counter so that a
database restored from a backup, or created anew, cannot bring an old stamp back with other
data behind it.

No view has to remember the stamp: session events note every flush that inserted, deleted or
changed a watched row (a watched column: only when that column changed) and every insert,
update or delete of a watched table run through the session (the scale generator's
`bulk_insert`, an erasure's bulk delete). Only a write that bypasses the session has to call
`changed()` itself.

Figures that also follow the clock (the meetings held by now) say until when they hold:
`cached(..., until=...)` counts again once that moment has passed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from itertools import chain
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import Connection, String, delete, event, inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import (
    InstrumentedAttribute,
    Mapped,
    ORMExecuteState,
    Session,
    SessionTransaction,
    UOWTransaction,
    mapped_column,
)
from sqlalchemy.sql.expression import TableClause

from intranet.extensions import db
from intranet.models import utcnow
from intranet.platform import shared_figures
from intranet.platform.shared_figures import SharedFigure

T = TypeVar("T")
CACHE = "intranet_data_stamps"
CACHE_ENTRIES = 1_000  # figures kept per stamp and worker, one per key asked
PENDING = "intranet_data_stamps_changed"
READ = "intranet_data_stamps_read"  # every stamp, as read in the session's transaction
WROTE = "intranet_data_stamps_wrote"  # the session's transaction has written something

# table name -> stamp name -> the columns whose change moves the stamp (None: any change)
WATCHED: dict[str, dict[str, frozenset[str] | None]] = {}
# (table name, stamp name) -> which of the table's flushed rows move the stamp (default: all)
ONLY: dict[tuple[str, str], Callable[[Any], bool]] = {}


class DataStamp(db.Model):
    """The current stamp of each name: a new random value whenever its tables changed."""

    __tablename__ = "data_stamp"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    stamp: Mapped[str] = mapped_column(String(32))


EVERY_STAMP = select(DataStamp.name, DataStamp.stamp)  # built once: read by most requests


def watch(
    name: str,
    *watched: type | InstrumentedAttribute[Any] | TableClause,
    only: Callable[[Any], bool] | None = None,
) -> None:
    """Move the stamp `name` whenever a row of these models or tables is written; for a column,
    whenever a row is inserted or deleted or that column changes. A table without a model (an
    association table) is written through its models' relationships, which the session sees
    as a change of the model holding the list, or by statements run through the session.

    `only(row)`, if given, says whether a row of these models that the session flushed counts
    at all (say, only published lessons): it sees the row after the flush, with the history
    of its attributes. A statement run on a table (a bulk write) always moves the stamp."""
    for item in watched:
        if isinstance(item, InstrumentedAttribute):
            table, column = item.class_.__tablename__, item.key
            columns = WATCHED.setdefault(table, {}).get(name, frozenset())
            if columns is not None:
                WATCHED[table][name] = columns | {column}
        elif isinstance(item, TableClause):
            table = item.name
            WATCHED.setdefault(table, {})[name] = None
        else:
            table = item.__tablename__
            WATCHED.setdefault(table, {})[name] = None
        if only is not None:
            ONLY[(table, name)] = only


def cached(
    name: str,
    key: str,
    compute: Callable[[], T],
    until: Callable[[T], datetime | None] | None = None,
    *,
    shared: bool = True,
) -> T:
    """`compute()` once per stamp of `name` (every host sees a change on its next request).
    `until(value)`, when given, says until when the value holds whatever is written (None: as
    long as the stamp).

    Each worker keeps the figures it used; `shared` figures are also left in the database
    for the other workers and hosts (see `shared_figures`), so that after a change one
    request counts them, not one per worker. A value the other workers must not see as it
    was counted (one the caller fills in later) is not `shared`.

    The stamp is read before counting: a write committed in between then leaves newer figures
    under the older stamp, which the next request no longer matches, never older figures
    under the newer one. Before the first write of a watched table there is no stamp and
    every request counts (`seed` gives each watched name one when the schema is upgraded).
    """
    read: dict[str, str] | None = db.session.info.get(READ)
    if read is None:  # once per transaction: every stamp (a row per name), one small query
        read = dict(db.session.execute(EVERY_STAMP).all())
        db.session.info[READ] = read
    stamp = read.get(name)
    cache: dict[str, dict[str, tuple[str, datetime | None, Any]]] = (
        current_app.extensions.setdefault(CACHE, {})
    )
    entries = cache.setdefault(name, {})
    entry = entries.get(key)
    fresh = entry is not None and (entry[1] is None or utcnow() < entry[1])
    if stamp is not None and fresh and entry[0] == stamp:
        return entry[2]
    if stamp is None:
        return compute()
    if shared:
        value, holds_until = shared_figures.load(name, key, stamp, utcnow())
        if value is not shared_figures.MISSING:
            _keep(entries, key, (stamp, holds_until, value))
            return value
    value = compute()
    holds_until = until(value) if until else None
    _keep(entries, key, (stamp, holds_until, value))
    if shared and not db.session.info.get(WROTE):  # a writing transaction may hold locks
        try:
            shared_figures.store(name, key, stamp, holds_until, value)
        except (shared_figures.Unshareable, SQLAlchemyError) as error:
            # The page has its figures: a store that fails (an unknown type, a database
            # locked by a long write) costs the other workers a count, not this page.
            current_app.logger.warning("figures %s/%s kept by this worker: %s", name, key, error)
    return value


def _keep(entries: dict[str, Any], key: str, entry: tuple[str, datetime | None, Any]) -> None:
    if len(entries) >= CACHE_ENTRIES and key not in entries:
        entries.clear()  # figures for many different keys: start again rather than grow
    entries[key] = entry


def changed(connection: Connection, *names: str) -> None:
    """Give the stamps `names` a new value, in the transaction `connection` is in (in name
    order, so that two transactions never wait for each other's stamp), and forget the
    figures the workers shared under the old one (they may name people since erased)."""
    insert = _insert_for(connection.dialect.name)
    for name in sorted(names):
        statement = insert(DataStamp).values(name=name, stamp=uuid.uuid4().hex)
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=[DataStamp.name], set_={"stamp": statement.excluded.stamp}
            )
        )
        connection.execute(delete(SharedFigure).where(SharedFigure.name == name))


def forget_stale_figures() -> None:
    """Forget shared figures counted under a stamp that has moved since (a worker still
    counting under the old stamp when it moved leaves them behind): a daily job."""
    current = select(DataStamp.stamp).where(DataStamp.name == SharedFigure.name)
    db.session.execute(delete(SharedFigure).where(SharedFigure.stamp != current.scalar_subquery()))
    db.session.commit()


def seed() -> None:
    """Give every watched name without a stamp its first one (`intranet init`, a restore, any
    upgrade), so that figures are cached from the start rather than after the first write."""
    if not inspect(db.engine).has_table(DataStamp.__tablename__):
        return  # upgraded to a revision before the stamps
    insert = _insert_for(db.engine.dialect.name)
    names = sorted({name for watchers in WATCHED.values() for name in watchers})
    with db.engine.begin() as connection:
        for name in names:
            connection.execute(
                insert(DataStamp).values(name=name, stamp=uuid.uuid4().hex).on_conflict_do_nothing()
            )


def _insert_for(dialect: str) -> Callable[..., Any]:
    return postgresql_insert if dialect == "postgresql" else sqlite_insert


def _moved_by(row: Any, written: bool) -> set[str]:
    """The stamps a flushed row moves: any for an inserted or deleted row, and for a changed
    one those watching the whole table or a column that changed."""
    table = getattr(row, "__tablename__", "")
    watchers = WATCHED.get(table, {})
    if not written:
        state = inspect(row)
        watchers = {
            name: columns
            for name, columns in watchers.items()
            if columns is None
            or any(state.attrs[column].history.has_changes() for column in columns)
        }
    return {name for name in watchers if _counts(row, ONLY.get((table, name)))}


def _counts(row: Any, only: Callable[[Any], bool] | None) -> bool:
    if only is None:
        return True
    try:
        return only(row)
    except SQLAlchemyError:  # a row it cannot read (one deleted with its parent): to be safe
        return True


@event.listens_for(db.session, "after_flush")
def _note_flush(session: Session, _flush: UOWTransaction) -> None:
    session.info[WROTE] = True
    moved: set[str] = session.info.setdefault(PENDING, set())
    for row in chain(session.new, session.deleted):
        moved |= _moved_by(row, written=True)
    for row in session.dirty:
        if session.is_modified(row):
            moved |= _moved_by(row, written=False)


@event.listens_for(db.session, "do_orm_execute")
def _note_bulk_write(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE] = True
        watchers = WATCHED.get(state.statement.table.name, {})
        state.session.info.setdefault(PENDING, set()).update(watchers)


@event.listens_for(db.session, "before_commit")
def _stamp_on_commit(session: Session) -> None:
    """The stamps' row locks are taken as the transaction's last statements, so a transaction
    holding one never waits for another lock (no deadlock) and holds it only briefly."""
    session.flush()
    moved = session.info.pop(PENDING, set())
    if moved:
        changed(session.connection(), *moved)


@event.listens_for(db.session, "after_transaction_end")
def _forget_on_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(PENDING, None)
        session.info.pop(READ, None)
        session.info.pop(WROTE, None)
