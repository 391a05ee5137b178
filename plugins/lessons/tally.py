"""How many lessons have each facet value, kept row by row, so that no list counts a million
lessons again because one lesson was published.

`lessons_tally` (models.LessonTally) holds, for each kind of lesson (published and public,
for partners or for the task force only; not yet published) and each facet value a list can
be filtered by (or none), how many of those lessons there are and how many have each facet
value: the counts of the unfiltered list, of every list filtered by one value, and of the
coverage matrix (the lessons of an area or level, per country). It is kept in step with the
lessons by the session:

- a flush that writes a lesson's counted columns or terms takes away what those lessons added
  before it and adds what they add after it, both read from the database (on PostgreSQL the
  lessons are locked first, so that two people changing one lesson are counted one after the
  other);
- a bulk delete of lessons through the session takes away what the lessons it deletes added;
- any other bulk write of the lessons' counted columns or terms (the scale generator's
  inserts) counts every lesson again when the transaction commits.

The differences are written when the transaction commits, in key order (two commits never
wait for each other's rows the other way round), as additions, so that two transactions
publishing different lessons both count. A write that bypasses the session has to call
`recount()`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import chain
from typing import Any

from sqlalchemy import (
    String,
    case,
    cast,
    delete,
    event,
    func,
    inspect,
    literal,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import (
    ORMExecuteState,
    Session,
    SessionTransaction,
    UOWTransaction,
    object_session,
)

from intranet.plugin_api import db

from .facets import FACETS, FacetCounts, sort_counts
from .models import Lesson, LessonTally, LessonTerm

PUBLISHED = ("public", "partners", "taskforce")  # a published lesson's kind is its sharing
SHARED = ("public", "partners")
PUBLIC = ("public",)
UNPUBLISHED = ("unpublished",)
KIND = case((Lesson.status == "published", Lesson.sharing), else_=literal("unpublished"))
COUNTED = ("status", "sharing", "level", "area", "start_year")

DELTAS = "lessons_tally_deltas"  # the transaction's differences, written when it commits
RECOUNT = "lessons_tally_recount"  # a bulk write: count every lesson when it commits
FLUSHING = "lessons_tally_flushing"  # the lessons the flush under way writes

Key = tuple[str, str, str, str, str]  # (kind, within_facet, within_value, facet, value)
EVERY = ("", "")  # within every lesson of the kind: no filter


def within(filters: dict[str, list[str]]) -> tuple[str, str] | None:
    """The facet value the tally counts lessons within for `filters` (EVERY for none), or
    None when they choose more than one value (or a year written otherwise than the tally
    writes it, "02020")."""
    if not filters:
        return EVERY
    if len(filters) > 1:
        return None
    [(facet, values)] = filters.items()
    if len(values) > 1:
        return None
    value = values[0]
    if facet == "year" and value.isdigit() and value != str(int(value)):
        return None
    return facet, value


def tallied(kinds: Iterable[str], chosen: tuple[str, str] = EVERY) -> FacetCounts:
    """The number of lessons of `kinds` having the facet value `chosen` (EVERY: all of them)
    and their counts per facet value, most frequent first, as facets.facet_counts counts
    them: one small statement."""
    rows = db.session.execute(
        select(LessonTally.facet, LessonTally.value, func.sum(LessonTally.count))
        .where(
            LessonTally.kind.in_(tuple(kinds)),
            LessonTally.within_facet == chosen[0],
            LessonTally.within_value == chosen[1],
            LessonTally.facet.in_(("", *FACETS)),
        )
        .group_by(LessonTally.facet, LessonTally.value)
        .having(func.sum(LessonTally.count) > 0)
    )
    total = 0
    counts: dict[str, list[tuple[str, int]]] = {facet: [] for facet in FACETS}
    for facet, value, number in rows:
        if facet:
            counts[facet].append((value, int(number)))
        else:
            total = int(number)
    return total, {facet: sort_counts(facet, values) for facet, values in counts.items()}


def by_country(by: str) -> dict[tuple[str, str], int]:
    """Published lessons per (country, area) or (country, level)."""
    rows = db.session.execute(
        select(LessonTally.value, LessonTally.within_value, func.sum(LessonTally.count))
        .where(
            LessonTally.kind.in_(PUBLISHED),
            LessonTally.within_facet == by,
            LessonTally.facet == "country",
        )
        .group_by(LessonTally.value, LessonTally.within_value)
        .having(func.sum(LessonTally.count) > 0)
    )
    return {(country, value): int(number) for country, value, number in rows}


def counted(session: Session, ids: Any = None) -> Counter[Key]:
    """What the lessons `ids` (ids, or a select of them; None: every lesson) add to the tally,
    read in one statement."""
    lessons = select(
        Lesson.id,
        KIND.label("kind"),
        Lesson.level,
        Lesson.area,
        cast(Lesson.start_year, String).label("year"),
    )
    if ids is not None:
        lessons = lessons.where(Lesson.id.in_(ids))
    found = lessons.cte("tallied").prefix_with("MATERIALIZED")
    # Each lesson's facet values, "" for the lesson itself; its terms are found from the
    # lessons (the few a flush wrote), not the other way round.
    values = (
        union_all(
            select(
                found.c.id,
                found.c.kind,
                literal("", String).label("facet"),
                literal("", String).label("value"),
            ),
            *(
                select(found.c.id, found.c.kind, literal(facet, String), found.c[facet])
                for facet in ("level", "area", "year")
            ),
            select(found.c.id, found.c.kind, LessonTerm.facet, LessonTerm.value).join(
                LessonTerm, LessonTerm.lesson_id == found.c.id
            ),
        )
        .cte("tallied_values")
        .prefix_with("MATERIALIZED")
    )
    chosen, counted = values.alias("chosen"), values.alias("counted")
    key = (chosen.c.kind, chosen.c.facet, chosen.c.value, counted.c.facet, counted.c.value)
    pairs = select(*key, func.count()).join(counted, counted.c.id == chosen.c.id).group_by(*key)
    rows = session.connection().execute(pairs)
    return Counter({tuple(row[:5]): row[5] for row in rows})


def recount(session: Session) -> int:
    """Count every lesson again (a bulk load, lessons written around the session): the
    number of counts that were out of step. The tally is locked first: a transaction that
    commits a lesson meanwhile waits, then adds its difference to the new counts."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("LOCK TABLE lessons_tally IN EXCLUSIVE MODE"))
    else:  # a write, even of nothing, takes SQLite's one write lock until the commit
        connection.execute(delete(LessonTally).where(literal(False)))
    kept: Counter[Key] = Counter(
        {
            tuple(tallied[:5]): tallied[5]
            for tallied in connection.execute(select(LessonTally.__table__))
        }
    )
    recounted = counted(session)
    connection.execute(delete(LessonTally))
    rows = [row(key, number) for key, number in sorted(recounted.items())]
    if rows:
        connection.execute(LessonTally.__table__.insert(), rows)
    return sum(1 for key in kept.keys() | recounted.keys() if kept[key] != recounted[key])


def row(key: Key, number: int) -> dict[str, Any]:
    kind, within_facet, within_value, facet, value = key
    return {
        "kind": kind,
        "within_facet": within_facet,
        "within_value": within_value,
        "facet": facet,
        "value": value,
        "count": number,
    }


def _lock(session: Session, ids: Any) -> None:
    """On PostgreSQL, lock the lessons about to be counted, in id order, until the commit."""
    if session.connection().dialect.name == "postgresql":
        session.connection().execute(
            select(Lesson.id).where(Lesson.id.in_(ids)).order_by(Lesson.id).with_for_update()
        )


def _take_away(session: Session, ids: Any) -> None:
    _lock(session, ids)
    deltas: Counter[Key] = session.info.setdefault(DELTAS, Counter())
    deltas.subtract(counted(session, ids))


def _touched(session: Session) -> set[int]:
    """The lessons already in the database whose counted columns or terms this flush writes
    (a term taken from a lesson's list is written too: it loses its lesson)."""
    ids: set[int] = set()
    for row in chain(session.new, session.dirty, session.deleted):
        if isinstance(row, LessonTerm):
            lesson_id = row.lesson_id if row.lesson_id is not None else _lesson_id(row)
            if lesson_id is not None:
                ids.add(lesson_id)
        elif isinstance(row, Lesson) and row.id is not None:
            state = inspect(row)
            if row in session.deleted or any(
                state.attrs[name].history.has_changes() for name in COUNTED
            ):
                ids.add(row.id)
    return ids


def _lesson_id(term: LessonTerm) -> int | None:
    lesson = inspect(term).attrs.lesson.loaded_value
    return getattr(lesson, "id", None)


@event.listens_for(db.session, "before_flush")
def _before_flush(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    ids = _touched(session)
    new = [row for row in session.new if isinstance(row, Lesson)]
    if not ids and not new:
        return
    session.info[FLUSHING] = (ids, new)
    if ids:
        _take_away(session, sorted(ids))


@event.listens_for(db.session, "after_flush")
def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    ids, new = session.info.pop(FLUSHING, (set(), []))
    ids = ids | {lesson.id for lesson in new if object_session(lesson) is session}
    if ids:
        deltas: Counter[Key] = session.info.setdefault(DELTAS, Counter())
        deltas.update(counted(session, sorted(ids)))


@event.listens_for(db.session, "do_orm_execute")
def _bulk_write(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = state.statement.table.name
    if table not in (Lesson.__tablename__, LessonTerm.__tablename__):
        return
    if table == Lesson.__tablename__ and state.is_update:
        written = state.statement.compile().params.keys()
        if not set(COUNTED) & set(written):
            return  # say, an erasure taking the author away: nothing counted changes
    if table == Lesson.__tablename__ and state.is_delete:
        _take_away(state.session, select(Lesson.id).where(state.statement.whereclause))
        return
    state.session.info[RECOUNT] = True


@event.listens_for(db.session, "before_commit")
def _write(session: Session) -> None:
    session.flush()
    deltas: Counter[Key] = session.info.pop(DELTAS, Counter())
    if session.info.pop(RECOUNT, False):
        recount(session)
        return
    rows = [row(key, number) for key, number in sorted(deltas.items()) if number]
    if not rows:
        return
    dialect = session.connection().dialect.name
    insert = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(LessonTally)
    session.connection().execute(
        insert.on_conflict_do_update(
            index_elements=list(LessonTally.__table__.primary_key),
            set_={"count": LessonTally.count + insert.excluded["count"]},
        ),
        rows,
    )


@event.listens_for(db.session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        for name in (DELTAS, RECOUNT, FLUSHING):
            session.info.pop(name, None)
