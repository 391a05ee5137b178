"""The coverage matrix's counts, cached per process and never stale.

The counts follow what a lesson is counted by (its status, sharing, level, area, start year and
terms) and the initiatives with their countries: the core's data stamp "lessons-counts" moves
with every transaction that changes one of them (see `intranet.platform.stamps`), and a request
counts again only when it has moved. Editing a lesson's text does not move it, so the counts of
a million lessons are not taken again because someone corrected a typo. The stamp "lessons"
moves with any write of a lesson (the word rarities of `similar` follow the text).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import func, select

from intranet.plugin_api import cached_figures, db, watch_tables

from .models import Initiative, InitiativeCountry, Lesson, LessonTerm

STAMP = "lessons"
COUNTS_STAMP = "lessons-counts"
T = TypeVar("T")

watch_tables(STAMP, Lesson, LessonTerm, Initiative, InitiativeCountry)
watch_tables(
    COUNTS_STAMP,
    Lesson.status,
    Lesson.sharing,
    Lesson.level,
    Lesson.area,
    Lesson.start_year,
    LessonTerm,
    Initiative,
    InitiativeCountry,
)

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
    """`compute()` once per change to what lessons are counted by, in this app."""
    return cached_figures(COUNTS_STAMP, name, compute)


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
