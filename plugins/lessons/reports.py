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

from .models import (
    Lesson,
    LessonTerm,
)
from .vocab import AREAS, COUNTRIES


def report_sections(start: date, end: date, user: User) -> list[ReportSection]:
    """Lessons published in the period, by country and area."""
    since = datetime.combine(start, time.min, tzinfo=UTC)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
    counts = {
        (country, area): count
        for country, area, count in db.session.execute(
            select(LessonTerm.value, Lesson.area, func.count())
            .join(Lesson, Lesson.id == LessonTerm.lesson_id)
            .where(
                LessonTerm.facet == "country",
                Lesson.status == "published",
                Lesson.published_at >= since,
                Lesson.published_at < until,
            )
            .group_by(LessonTerm.value, Lesson.area)
        )
    }
    total = db.session.scalar(
        select(func.count(Lesson.id)).where(
            Lesson.status == "published", Lesson.published_at >= since, Lesson.published_at < until
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
            summary=f"{plural(total, 'lesson')} published in the period.",
            headers=["Country", *AREAS.values()],
            rows=rows,
            order=40,
        ),
        coverage_change(since, until),
    ]


def coverage_change(since: datetime, until: datetime) -> ReportSection:
    """Cells of the coverage matrix (country by area with a published lesson) at the start and
    the end of the period, and the cells filled during it; one grouped query."""
    first_published = {
        (country, area): first
        for country, area, first in db.session.execute(
            select(LessonTerm.value, Lesson.area, func.min(Lesson.published_at))
            .join(Lesson, Lesson.id == LessonTerm.lesson_id)
            .where(
                LessonTerm.facet == "country",
                Lesson.status == "published",
                Lesson.published_at < until,
            )
            .group_by(LessonTerm.value, Lesson.area)
        )
        if country in COUNTRIES and area in AREAS
    }
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
