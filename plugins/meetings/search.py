"""Full-text search over meetings, agenda items, minutes and decisions with the database's own
engine."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import url_for
from sqlalchemy import (
    Float,
    Integer,
    String,
    Subquery,
    column,
    literal_column,
    null,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Bundle

from intranet.plugin_api import SearchResult, cached_figures, db, fts5_match, watch_tables

from .excerpts import plain_text
from .models import AgendaItem, Decision, Meeting, Minutes
from .rules import readable_minutes, visible_ids


@dataclass(frozen=True)
class Source:
    """A searched table: `columns` as the migration indexes them, and how a hit reads."""

    model: type[Meeting | AgendaItem | Minutes | Decision]
    columns: tuple[str, ...]
    kind: str
    title: str  # formatted with the meeting's title and the item's (agenda item, decision)
    anchor: str  # formatted with the row's id
    markdown: bool = False  # written in Markdown: its snippets are shown as plain text

    @property
    def table(self) -> str:
        return self.model.__tablename__


SOURCES = (
    Source(Meeting, ("title", "venue"), "Meeting", "{meeting}", ""),
    Source(
        AgendaItem,
        ("title", "presenter", "description"),
        "Agenda item",
        "{item} ({meeting})",
        "#agenda-item-{id}",
        markdown=True,
    ),
    Source(Minutes, ("body",), "Minutes", "Minutes of {meeting}", "#minutes", markdown=True),
    Source(
        Decision, ("reference", "text"), "Decision", "Decision {item} ({meeting})", "#decision-{id}"
    ),
)
ITEM_LABELS = {AgendaItem: AgendaItem.title, Decision: Decision.reference}
MINUTES_HIT = next(i for i, source in enumerate(SOURCES) if source.model is Minutes)


CANDIDATES = 200  # newest matches of each source a search ranks
# What the searched tables hold: whether words are common is counted again after a change.
TEXT_STAMP = "meetings-text"
watch_tables(TEXT_STAMP, Meeting, AgendaItem, Minutes, Decision)
WINDOW = 10 * CANDIDATES  # newest rows PostgreSQL reads in order before the index (best_rows)
# The words found are not wrapped (ts_headline's default is <b>): the results page marks them.
HEADLINE = '\'StartSel="", StopSel="", MaxWords=20, MinWords=5\''


def tsquery(query: str) -> str:
    """The same for PostgreSQL's to_tsquery: quoted words joined by AND, the last a prefix.

    websearch_to_tsquery would be as safe, but it cannot match a word still being typed.
    """
    words = re.findall(r"\w+", query)
    return " & ".join(f"'{word}'" for word in words) + ":*" if words else ""


def common_sources(whole: str) -> list[int]:
    """SQLite: the positions in SOURCES of the tables where more than CANDIDATES rows hold the
    words `whole` (an FTS5 expression of whole words), counted no further than that, once per
    change to what is searched, for every worker."""

    def count() -> list[int]:
        counts = ", ".join(
            f"(SELECT count(*) FROM (SELECT rowid FROM {source.table}_fts "  # noqa: S608
            f"WHERE {source.table}_fts MATCH :whole LIMIT {CANDIDATES + 1}))"
            for source in SOURCES
        )
        row = db.session.execute(text(f"SELECT {counts}"), {"whole": whole}).one()
        return [position for position, held in enumerate(row) if held > CANDIDATES]

    return cached_figures(TEXT_STAMP, f"search:common:{whole}", count, shared=True)


def best_rows(source: Source, dialect: str, common: bool = False) -> Subquery:
    """The best :limit rows of the source matching :match, as (id, score, snippet).

    Only the newest CANDIDATES matches are ranked: a common word matches most rows of a large
    table and weighs near zero in the rank anyway, so ranking all of them would cost in
    proportion to the data, not to the page. The engine's own order (rowid, the primary key)
    finds them without a sort. On SQLite, words `common` in the table (more than CANDIDATES
    rows hold them) are matched as whole words (:whole) and not ranked: the newest :limit
    rows holding them score 0. A prefix and bm25 both read every row holding the words.
    """
    table = source.table
    if dialect == "sqlite" and common:
        sql = (
            f"SELECT rowid AS id, 0.0 AS score, "  # noqa: S608 - constant names
            f"snippet({table}_fts, -1, '', '', '…', 12) AS snippet "
            f"FROM {table}_fts WHERE {table}_fts MATCH :whole ORDER BY rowid DESC LIMIT :limit"
        )
    elif dialect == "sqlite":
        sql = (
            "SELECT id, score, snippet FROM ("  # noqa: S608 - constant names
            f"SELECT rowid AS id, -bm25({table}_fts) AS score, "
            f"snippet({table}_fts, -1, '', '', '…', 12) AS snippet "
            f"FROM {table}_fts WHERE {table}_fts MATCH :match "
            f"ORDER BY rowid DESC LIMIT {CANDIDATES}) ORDER BY score DESC, id LIMIT :limit"
        )
    else:
        # fts_document: the stored tsvector of the columns, under the GIN index (meetings_0006).
        # PostgreSQL cannot estimate a prefix query ('word':*), so it always reads the table
        # newest first and tests every row: instant for a common word, a scan of the whole
        # table for a rare one. So the newest WINDOW rows are read that way, and only when
        # they hold fewer than CANDIDATES matches are the older ones found through the index.
        # The newest rows are matched with the function behind @@, which no index answers:
        # offered the index, PostgreSQL took it for a common word (163,000 minutes, 23 ms).
        document = " || ' ' || ".join(f"coalesce({table}.{c}, '')" for c in source.columns)
        floor = f"(SELECT coalesce(max(id), 0) - {WINDOW} FROM {table})"  # noqa: S608
        sql = (
            "SELECT newest.id, newest.score, "  # noqa: S608 - constant names
            f"ts_headline('simple', {document}, q, {HEADLINE}) AS snippet "
            "FROM (WITH recent AS MATERIALIZED ("
            f"SELECT id FROM {table}, to_tsquery('simple', :match) AS q "
            f"WHERE ts_match_vq(fts_document, q) AND id > {floor} "
            f"ORDER BY id DESC LIMIT {CANDIDATES}"
            "), found AS (SELECT id FROM recent UNION ALL ("
            f"SELECT id FROM {table}, to_tsquery('simple', :match) AS q "
            f"WHERE fts_document @@ q AND id + 0 <= {floor} "
            f"AND (SELECT count(*) FROM recent) < {CANDIDATES} "
            f"ORDER BY id + 0 DESC LIMIT {CANDIDATES})) "
            f"SELECT found.id, ts_rank({table}.fts_document, q) AS score FROM found "
            f"JOIN {table} ON {table}.id = found.id, to_tsquery('simple', :match) AS q "
            f"ORDER BY found.id DESC LIMIT {CANDIDATES}) AS newest "
            f"JOIN {table} ON {table}.id = newest.id, to_tsquery('simple', :match) AS q "
            "ORDER BY newest.score DESC, newest.id LIMIT :limit"
        )
    columns = (column("id", Integer), column("score", Float), column("snippet", String))
    return text(sql).columns(*columns).subquery(f"{table}_hits")


def hits(dialect: str, common: list[int]) -> Subquery:
    """The best rows of every source, each with its meeting: (source, id, meeting_id, score,
    snippet, item), where `source` is the position in SOURCES and `item` an agenda item's
    title or a decision's reference. One statement for the full-text searches. `common`:
    the positions of the sources where the words are common (common_sources)."""
    parts = []
    for position, source in enumerate(SOURCES):
        best, model = best_rows(source, dialect, position in common), source.model
        parts.append(
            select(
                literal_column(str(position), Integer).label("source"),
                best.c.id,
                (model.id if model is Meeting else model.meeting_id).label("meeting_id"),
                best.c.score,
                best.c.snippet,
                ITEM_LABELS.get(model, null()).label("item"),
            ).join_from(best, model, model.id == best.c.id)
        )
    return union_all(*parts).subquery("hits")


def search(query: str, user: Any, limit: int) -> list[SearchResult]:
    """The best hits among meetings, agenda items, minutes and decisions of meetings `user` may view
    (minutes only where `user` may read them: a guest, once approved)."""
    dialect = db.engine.dialect.name
    match = fts5_match(query, prefix="last") if dialect == "sqlite" else tsquery(query)
    if not match:
        return []
    whole = fts5_match(query)
    found = hits(dialect, common_sources(whole) if dialect == "sqlite" else [])
    # Only the meeting's columns a result shows: not its lists (JSON read back for every row).
    meeting = Bundle("meeting", Meeting.id, Meeting.title, Meeting.start_at)
    rows = db.session.execute(
        select(meeting, found.c.source, found.c.id, found.c.score, found.c.snippet, found.c.item)
        .join(found, found.c.meeting_id == Meeting.id)
        .order_by(found.c.source, found.c.score.desc(), found.c.id.desc()),
        {"match": match, "whole": whole, "limit": limit},
    ).all()
    seen = visible_ids(user, {meeting.id for meeting, *_ in rows})
    minutes_of = {row_id: m.id for m, position, row_id, *_ in rows if position == MINUTES_HIT}
    readable = readable_minutes(user, minutes_of, seen)
    results = []
    for meeting, position, row_id, score, snippet, item in rows:
        if meeting.id not in seen or (position == MINUTES_HIT and row_id not in readable):
            continue
        source = SOURCES[position]
        title = source.title.format(meeting=meeting.title, item=item)
        url = url_for("meetings.show", meeting_id=meeting.id) + source.anchor.format(id=row_id)
        snippet = plain_text(snippet) if source.markdown else snippet
        results.append(
            SearchResult(source.kind, title, url, snippet, float(score), meeting.start_at)
        )
    results.sort(key=lambda result: result.rank, reverse=True)
    return results[:limit]
