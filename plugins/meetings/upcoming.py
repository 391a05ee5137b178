"""Upcoming meetings, soonest first, found without sorting every meeting still ahead.

A meeting is upcoming until its last occurrence ends (`last_end_at`). In order of their start
they are the meetings under way (begun, or a series not over yet: a handful at any time),
then those still to begin. Each part has its index: the first is a range of the index on
(last_end_at, start_at) read without the table, the second a walk of the index on start_at
that stops after the page. Ordered by start in one query, the database sorted every upcoming
meeting for each page instead (a tenth of all meetings in the benchmark's data).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, Subquery, select, union_all

from .models import Meeting


def page_of_upcoming(now: datetime, *conditions: Any, offset: int = 0, limit: int) -> Subquery:
    """(id, start_at) of one page of the upcoming meetings meeting `conditions`, in the order
    the lists show them (by start, then id); join it to load the meetings."""
    under_way = select(Meeting.id, Meeting.start_at).where(
        Meeting.last_end_at >= now, Meeting.start_at < now, *conditions
    )
    ahead = (
        select(Meeting.id, Meeting.start_at)
        .where(Meeting.start_at >= now, *conditions)
        .order_by(Meeting.start_at, Meeting.id)
        .limit(offset + limit)
        .subquery()
    )
    # Materialized, so that neither database merges the two parts in start order, which would
    # read the meetings under way from the index on start_at: every meeting that ever began.
    both = (
        union_all(under_way, select(ahead.c.id, ahead.c.start_at))
        .cte("upcoming_parts")
        .prefix_with("MATERIALIZED")
    )
    return (
        select(both.c.id, both.c.start_at)
        .order_by(both.c.start_at, both.c.id)
        .offset(offset)
        .limit(limit)
        .subquery("upcoming_page")
    )


def upcoming_meetings(page: Subquery) -> Select[Any]:
    """The meetings of `page` in its order."""
    return select(Meeting).join(page, page.c.id == Meeting.id).order_by(page.c.start_at, page.c.id)
