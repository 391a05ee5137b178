"""The lessons plugin's sections of the activity report."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from intranet.plugin_api import (
    ReportSection,
    User,
    db,
    plural,
)

from .coverage import cached
from .models import (
    Lesson,
    LessonTerm,
)
from .vocab import AREAS, COUNTRIES

Cell = tuple[str, str]


def report_sections(start: date, end: date, user: User) -> list[ReportSection]:
    """Lessons published in the period, by country and area, and the coverage it filled.

    Counting reads every published lesson up to the period's end (a third of a second at a
    hundred thousand lessons), so the sections are kept per period under the coverage stamp,
    which every write of a lesson or its terms moves: never stale.
    """
    return cached(f"report:{start}:{end}", lambda: count_sections(start, end))


def count_sections(start: date, end: date) -> list[ReportSection]:
    since = datetime.combine(start, time.min, tzinfo=UTC)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
    in_period = Lesson.published_at >= since
    counts: dict[Cell, int] = {}
    first_published: dict[Cell, datetime] = {}
    for country, area, count, first in db.session.execute(
        select(
            LessonTerm.value,
            Lesson.area,
            func.count().filter(in_period),
            func.min(Lesson.published_at),
        )
        .join(Lesson, Lesson.id == LessonTerm.lesson_id)
        .where(
            LessonTerm.facet == "country",
            Lesson.status == "published",
            Lesson.published_at < until,
        )
        .group_by(LessonTerm.value, Lesson.area)
    ):
        counts[(country, area)] = count
        if country in COUNTRIES and area in AREAS:
            first_published[(country, area)] = first
    total = db.session.scalar(
        select(func.count(Lesson.id)).where(
            Lesson.status == "published", in_period, Lesson.published_at < until
        )
    )
    rows = [
        [name, *[str(counts.get((code, area), 0)) for area in AREAS]]
        for code, name in COUNTRIES.items()
        if any(counts.get((code, area)) for area in AREAS)
    ]
    return [
        ReportSection(
            "Lessons learned published",
            summary=f"{plural(total or 0, 'lesson')} published in the period.",
            headers=["Country", *AREAS.values()],
            rows=rows,
            order=40,
        ),
        coverage_change(first_published, since),
    ]


def coverage_change(first_published: dict[Cell, datetime], since: datetime) -> ReportSection:
    """Cells of the coverage matrix (country by area with a published lesson) at the start and
    the end of the period, and the cells filled during it."""
    at_start = sum(1 for first in first_published.values() if first < since)
    filled = sorted(
        (cell for cell, first in first_published.items() if first >= since),
        key=lambda cell: (list(COUNTRIES).index(cell[0]), list(AREAS).index(cell[1])),
    )
    cells = len(COUNTRIES) * len(AREAS)
    return ReportSection(
        "Coverage of lessons learned: change",
        summary=(
            f"{at_start} of {cells} country and area cells had a published lesson at the start "
            f"of the period, {len(first_published)} at its end: {len(filled)} filled during "
            "the period."
        ),
        headers=["Country", "Area filled during the period"],
        rows=[[COUNTRIES[country], AREAS[area]] for country, area in filled],
        order=41,
    )
