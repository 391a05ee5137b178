"""Full-text search over meetings, agenda items and minutes with the database's own engine."""

from __future__ import annotations

import re
from typing import Any

from flask import url_for
from sqlalchemy import text
from sqlalchemy.orm import joinedload

from intranet.plugin_api import SearchResult, db, fts5_match
from plugins.meetings.models import AgendaItem, Meeting, Minutes

# (table, indexed columns, kind shown to users); the migration indexes the same columns.
SOURCES = (
    ("meetings_meeting", ("title", "venue"), "Meeting"),
    ("meetings_agenda_item", ("title", "presenter", "description"), "Agenda item"),
    ("meetings_minutes", ("body",), "Minutes"),
)


def tsquery(query: str) -> str:
    """The same for PostgreSQL's to_tsquery: quoted words joined by AND, the last a prefix.

    websearch_to_tsquery would be as safe, but it cannot match a word still being typed.
    """
    words = re.findall(r"\w+", query)
    return " & ".join(f"'{word}'" for word in words) + ":*" if words else ""


def matches(query: str, limit: int) -> list[tuple[str, int, float, str]]:
    """(table, row id, rank, snippet) for each hit, best first within each table."""
    dialect = db.engine.dialect.name
    match = fts5_match(query, prefix="last") if dialect == "sqlite" else tsquery(query)
    if not match:
        return []
    hits = []
    for table, columns, _ in SOURCES:
        if dialect == "sqlite":
            sql = text(
                f"SELECT rowid, -bm25({table}_fts), snippet({table}_fts, -1, '', '', '…', 12) "  # noqa: S608 - constant names
                f"FROM {table}_fts WHERE {table}_fts MATCH :q ORDER BY rank LIMIT :limit"
            )
            rows = db.session.execute(sql, {"q": match, "limit": limit}).all()
        else:
            document = " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)
            vector = f"to_tsvector('simple', {document})"
            sql = text(
                f"SELECT id, ts_rank({vector}, q), "  # noqa: S608 - constant names
                f"ts_headline('simple', {document}, q, 'MaxWords=20, MinWords=5') "
                f"FROM {table}, to_tsquery('simple', :q) AS q "
                f"WHERE {vector} @@ q ORDER BY 2 DESC LIMIT :limit"
            )
            rows = db.session.execute(sql, {"q": match, "limit": limit}).all()
        hits.extend((table, row_id, float(rank), snippet) for row_id, rank, snippet in rows)
    return hits


def search(query: str, user: Any, limit: int, may_view: Any) -> list[SearchResult]:
    hits = matches(query, limit)
    ids = {table: {row_id for t, row_id, _, _ in hits if t == table} for table, _, _ in SOURCES}
    meetings = {
        m.id: m
        for m in db.session.scalars(
            db.select(Meeting).where(Meeting.id.in_(ids["meetings_meeting"]))
        )
    }
    items = {
        i.id: i
        for i in db.session.scalars(
            db.select(AgendaItem)
            .where(AgendaItem.id.in_(ids["meetings_agenda_item"]))
            .options(joinedload(AgendaItem.meeting))
        )
    }
    minutes = {
        m.id: m
        for m in db.session.scalars(
            db.select(Minutes)
            .where(Minutes.id.in_(ids["meetings_minutes"]))
            .options(joinedload(Minutes.meeting))
        )
    }
    results = []
    allowed: dict[int, bool] = {}
    for table, row_id, rank, snippet in hits:
        if table == "meetings_meeting":
            meeting, title, kind, anchor = meetings.get(row_id), None, "Meeting", ""
            title = meeting.title if meeting else ""
        elif table == "meetings_agenda_item":
            item = items.get(row_id)
            meeting = item.meeting if item else None
            title = f"{item.title} ({meeting.title})" if item else ""
            kind, anchor = "Agenda item", f"#agenda-item-{row_id}"
        else:
            document = minutes.get(row_id)
            meeting = document.meeting if document else None
            title = f"Minutes of {meeting.title}" if meeting else ""
            kind, anchor = "Minutes", "#minutes"
        if meeting is None:
            continue
        if meeting.id not in allowed:
            allowed[meeting.id] = may_view(user, meeting)
        if allowed[meeting.id]:
            url = url_for("meetings.show", meeting_id=meeting.id) + anchor
            results.append(SearchResult(kind, title, url, snippet, rank, meeting.start_at))
    results.sort(key=lambda result: result.rank, reverse=True)
    return results[:limit]
