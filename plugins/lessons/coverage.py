"""The coverage matrix's counts, cached per process and never stale.

Every transaction that writes a lesson, a lesson's terms, an initiative or an initiative's
countries also gives the one row of `lessons_coverage_stamp` a new random stamp. A coverage
request reads the stamp (one small query) and counts again only when the counts this app cached
were counted under another stamp, so every worker on every host sees a change on its next
request. The stamp is random rather than a counter so that a database restored from a backup,
or created anew, cannot bring an old stamp back with other data behind it.

No view has to remember the stamp: session events note every flush that touched a counted row
and every insert, update or delete of a counted table run through the session (the scale
generator's `bulk_insert`, an erasure's bulk delete), and set a new stamp when that
transaction commits. Only a write that bypasses the session has to call `changed()` itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import Connection, event, func, select, update
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from intranet.plugin_api import db

from .models import (
    CoverageStamp,
    Initiative,
    InitiativeCountry,
    Lesson,
    LessonTerm,
)

COUNTED = (Lesson, LessonTerm, Initiative, InitiativeCountry)
COUNTED_TABLES = frozenset(model.__tablename__ for model in COUNTED)
CACHE = "lessons_coverage"
CACHE_ENTRIES = 1_000  # counts kept per worker, one per filter combination asked
T = TypeVar("T")
PENDING = "lessons_coverage_changed"

Counts = dict[tuple[str, str], int]


@dataclass(frozen=True)
class Coverage:
    """Published lessons and initiatives per (country, area) or (country, level)."""

    lessons: Counts
    initiatives: Counts


def coverage_counts(by: str) -> Coverage:
    """The counts by "area" or "level": from this app's cache while the stamp has not moved."""
    return cached(f"coverage:{by}", lambda: count(by))


def cached(name: str, compute: Callable[[], T]) -> T:
    """`compute()` once per stamp of the counted tables, in this app (every worker keeps its
    own; every host sees a change on its next request).

    The stamp is read before counting: a write committed in between then leaves newer counts
    under the older stamp, which the next request no longer matches, never older counts under
    the newer one.
    """
    stamp = db.session.scalar(select(CoverageStamp.stamp))
    cache: dict[str, tuple[str, Any]] = current_app.extensions.setdefault(CACHE, {})
    entry = cache.get(name)
    if stamp is not None and entry is not None and entry[0] == stamp:
        return entry[1]
    value = compute()
    if stamp is not None:
        if len(cache) >= CACHE_ENTRIES and name not in cache:
            cache.clear()  # counts for many different filters: start again rather than grow
        cache[name] = (stamp, value)
    return value


def count(by: str) -> Coverage:
    lesson_dimension = getattr(Lesson, by)
    initiative_dimension = getattr(Initiative, by)
    lessons = db.session.execute(
        select(LessonTerm.value, lesson_dimension, func.count())
        .join(Lesson, Lesson.id == LessonTerm.lesson_id)
        .where(LessonTerm.facet == "country", Lesson.status == "published")
        .group_by(LessonTerm.value, lesson_dimension)
    )
    initiatives = db.session.execute(
        select(InitiativeCountry.code, initiative_dimension, func.count())
        .join(Initiative, Initiative.id == InitiativeCountry.initiative_id)
        .group_by(InitiativeCountry.code, initiative_dimension)
    )
    return Coverage(
        lessons={(country, value): number for country, value, number in lessons},
        initiatives={(country, value): number for country, value, number in initiatives},
    )


def changed(connection: Connection) -> None:
    """Give the counts a new stamp, in the transaction `connection` is in."""
    connection.execute(update(CoverageStamp.__table__).values(stamp=uuid.uuid4().hex))


@event.listens_for(db.session, "after_flush")
def _note_flush(session: Session, _flush: UOWTransaction) -> None:
    modified = (row for row in session.dirty if session.is_modified(row))
    if any(isinstance(row, COUNTED) for row in chain(session.new, session.deleted, modified)):
        session.info[PENDING] = True


@event.listens_for(db.session, "do_orm_execute")
def _note_bulk_write(state: ORMExecuteState) -> None:
    writes = state.is_insert or state.is_update or state.is_delete
    if writes and state.statement.table.name in COUNTED_TABLES:
        state.session.info[PENDING] = True


@event.listens_for(db.session, "before_commit")
def _stamp_on_commit(session: Session) -> None:
    """The stamp's row lock is taken as the transaction's last statement, so a transaction
    holding it never waits for another lock (no deadlock) and holds it only briefly."""
    session.flush()
    if session.info.pop(PENDING, False):
        changed(session.connection())


@event.listens_for(db.session, "after_transaction_end")
def _forget_on_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(PENDING, None)
