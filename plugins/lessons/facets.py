"""Facet counts of a list of lessons: how many lessons, and how many per country, level, area,
form of exploitation, year and tag, most frequent first, in one statement."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CTE, Select, String, cast, func, literal, select, union_all

from intranet.plugin_api import db

from .models import Lesson, LessonTerm

FACETS = ("country", "level", "area", "form", "year", "tag")
TERM_FACETS = ("country", "form", "tag")
FacetCounts = tuple[int, dict[str, list[tuple[str, int]]]]


def sort_counts(facet: str, values: list[tuple[str, int]]) -> list[tuple[str, int]]:
    if facet == "year":
        return sorted(values, reverse=True)
    return sorted(values, key=lambda item: (-item[1], item[0]))


def facet_counts(conditions: list[Any]) -> FacetCounts:
    """The number of lessons meeting `conditions`, and their counts per facet value, most
    frequent first; one statement that finds the lessons once (a materialized CTE)."""
    found = (
        select(Lesson.id, Lesson.level, Lesson.area, Lesson.start_year)
        .where(*conditions)
        .cte("found")
        .prefix_with("MATERIALIZED")
    )
    total, facets, _ = counted_facets(found)
    return total, facets


PAGE_PART = "#page"  # not a facet: the rows of counted_facets that carry a page's ids


def counted_facets(found: CTE, page: Select[Any] | None = None) -> tuple[int, Any, list[int]]:
    """The number of lessons in `found` (id, level, area, start_year), their counts per facet
    value, most frequent first, and the ids that `page` (a statement of (id, place) over
    `found`) picks, in the order of their places: one statement."""
    per_term = (  # found drives: each found lesson's terms through the primary key
        select(LessonTerm.facet, LessonTerm.value, func.count())
        .where(LessonTerm.lesson_id.in_(select(found.c.id)))
        .group_by(LessonTerm.facet, LessonTerm.value)
    )
    per_column = [
        select(literal(facet, String), cast(dimension, String), func.count()).group_by(dimension)
        for facet, dimension in (
            ("level", found.c.level),
            ("area", found.c.area),
            ("year", found.c.start_year),
        )
    ]
    everything = select(literal("", String), literal("", String), func.count()).select_from(found)
    parts = [everything, per_term, *per_column]
    if page is not None:
        picked = page.subquery()
        parts.append(select(literal(PAGE_PART, String), cast(picked.c.id, String), picked.c.place))
    total = 0
    counts: dict[str, list[tuple[str, int]]] = {facet: [] for facet in FACETS}
    shown: list[tuple[int, int]] = []
    for facet, value, count in db.session.execute(union_all(*parts)):
        if facet == PAGE_PART:
            shown.append((count, int(value)))
        elif facet:
            counts[facet].append((value, count))
        else:
            total = count
    facets = {facet: sort_counts(facet, values) for facet, values in counts.items()}
    return total, facets, [lesson_id for _, lesson_id in sorted(shown)]
