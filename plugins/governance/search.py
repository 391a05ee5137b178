"""Full-text search over the living documents and the reports (FTS5 or PostgreSQL tsvector)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import (
    Float,
    Integer,
    Select,
    String,
    Subquery,
    bindparam,
    column,
    false,
    func,
    literal_column,
    select,
    text,
    union_all,
)

from intranet.plugin_api import SearchResult, User, can_many, db, fts5_match

from . import documents, rules
from .models import Report, Revision

SNIPPET_COLUMN = {"governance_revision": "body", "governance_report": "introduction"}
REVISION, REPORT = 0, 1
# Only a document's latest revision is searched: each of the few documents has thousands of
# older ones (3,000 at N=10), which outranked the latest and were ranked and quoted for nothing.
LATEST_REVISIONS = "SELECT max(id) FROM governance_revision GROUP BY document"


def best_rows(table: str, query: str, limit: int, among: str = "") -> Subquery | None:
    """The best `limit` rows of `table` matching `query` as (id, score, snippet), to join with
    the table, from the rows whose id `among` (a constant statement of ids) gives if it is set;
    None when the query has no words to look for."""
    if db.engine.dialect.name == "postgresql":
        # fts_document: the stored tsvector under the GIN index (governance_0004)
        snippet = SNIPPET_COLUMN[table]
        sql = (
            "SELECT id, ts_rank(fts_document, q) AS score, "  # noqa: S608 - constants only
            f"ts_headline('english', {snippet}, q, 'StartSel=\"\",StopSel=\"\",MaxWords=25') "
            f"AS snippet FROM {table}, websearch_to_tsquery('english', :query) AS q "
            f"WHERE fts_document @@ q {f'AND id IN ({among})' if among else ''} "
            "ORDER BY score DESC LIMIT :limit"
        )
        value = query
    else:
        value = fts5_match(query, prefix="all")
        if not value:
            return None
        fts = f"{table}_fts"
        sql = (
            f"SELECT rowid AS id, -bm25({fts}) AS score, "  # noqa: S608 - constants only
            f"snippet({fts}, -1, '', '', '…', 16) AS snippet FROM {fts} "
            f"WHERE {fts} MATCH :query {f'AND rowid IN ({among})' if among else ''} "
            f"ORDER BY bm25({fts}) LIMIT :limit"
        )
    # Unique parameters: the statements for both tables share one query with their own limits.
    parameters = (bindparam("query", value, unique=True), bindparam("limit", limit, unique=True))
    columns = (column("id", Integer), column("score", Float), column("snippet", String))
    return text(sql).bindparams(*parameters).columns(*columns).subquery(f"{table}_hits")


def matching(query: str, limit: int) -> Select[Any] | None:
    """The latest revisions of the documents and the reports matching `query`, in one
    statement of (source, id, name, score, snippet, when, draft) rows, where `source` is
    REVISION (named by its document) or REPORT (by its title); None without words."""
    revisions = best_rows("governance_revision", query, limit, among=LATEST_REVISIONS)
    reports = best_rows("governance_report", query, limit)
    if revisions is None or reports is None:
        return None
    return union_all(
        select(
            literal_column(str(REVISION), Integer).label("source"),
            Revision.id.label("id"),
            Revision.document.label("name"),
            revisions.c.score,
            revisions.c.snippet,
            Revision.created_at.label("when"),
            false().label("draft"),
        ).join_from(revisions, Revision, Revision.id == revisions.c.id),
        select(
            literal_column(str(REPORT), Integer),
            Report.id,
            Report.title,
            reports.c.score,
            reports.c.snippet,
            func.coalesce(Report.submitted_at, Report.created_at),
            Report.submitted_at.is_(None),
        ).join_from(reports, Report, Report.id == reports.c.id),
    ).order_by("source", "id")


def search_results(query: str, user: User, limit: int) -> list[SearchResult]:
    """The global search's governance texts and reports, drafts only for those who steer."""
    if user.is_guest:
        return []
    statement = matching(query, limit)
    if statement is None:
        return []
    rows = db.session.execute(statement).all()
    # Draft reports go through the report rule, asked only when one matches (it costs a query).
    drafts = [row.id for row in rows if row.draft]
    if drafts:
        shown = can_many(user, rules.VIEW, rules.REPORT, drafts)
        rows = [row for row in rows if not row.draft or row.id in shown]
    results = []
    for source, row_id, name, score, snippet, when, _ in rows:
        if source == REVISION:
            kind, title = "Governance", documents.DOCUMENTS.get(name, name)
            url = url_for("governance.document_show", document=name)
        else:
            kind, title = "Activity report", name
            url = url_for("governance.report_show", report_id=row_id)
        results.append(SearchResult(kind, title, url, snippet, score, when))
    return sorted(results, key=lambda result: -result.rank)[:limit]
