"""A page of a list of lessons, newest first, read in that order from the indexes.

Lists show first the lessons not yet published that someone may see (their drafts; all of them
for a reviewer), then the published ones from the newest. Asked in one ORDER BY, the database
walked the index on (published_at, id) from the unpublished end and stepped over every draft it
could not show before reaching the published lessons: 10,000 rows for each view of a member's
or a guest's list at N=1, 100,000 at N=10. Read as two parts, the drafts someone may see come
through their authorship (or, for a reviewer, the unpublished end of that index) and the
published lessons from the newest end; each part stops after the page.

A published lesson always has its publication date (rules.DATED): the two parts are exactly
the lessons without a date and those with one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select, union_all

from .models import Lesson
from .rules import unpublished_for

NEWEST_FIRST = (Lesson.published_at.desc().nulls_first(), Lesson.id.desc())


def newest_first(user: Any, conditions: list[Any], *, offset: int, limit: int) -> Select[Any]:
    """The lessons meeting `conditions` (which include what `user` may see), from `offset`,
    `limit` of them, in the order of NEWEST_FIRST."""
    parts = []
    for part_condition in (
        [Lesson.published_at.is_(None), unpublished_for(user)],
        [Lesson.published_at.is_not(None)],
    ):
        part = (
            select(Lesson.id, Lesson.published_at)
            .where(*part_condition, *conditions)
            .order_by(*NEWEST_FIRST)
            .limit(offset + limit)
            .subquery()
        )
        parts.append(select(part.c.id, part.c.published_at))
    # Materialized, so that neither database merges the parts into one ordered walk again.
    both = union_all(*parts).cte("newest_parts").prefix_with("MATERIALIZED")
    order = (both.c.published_at.desc().nulls_first(), both.c.id.desc())
    page = select(both.c.id, both.c.published_at).order_by(*order).offset(offset).limit(limit)
    listed = page.subquery("newest_page")
    return (
        select(Lesson)
        .join(listed, listed.c.id == Lesson.id)
        .order_by(listed.c.published_at.desc().nulls_first(), listed.c.id.desc())
    )
