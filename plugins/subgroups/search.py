"""Full-text search of sub-groups with the database's own engine."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import Float, Integer, Subquery, column, func, or_, select, text

from intranet.plugin_api import SearchResult, SimilarItem, User, db, fts5_match

from . import rules, similar
from .models import SubGroup

# fts_document: the stored tsvector of name and mandate, under the GIN index (subgroups_0006);
# websearch_to_tsquery accepts any text without a syntax error.
SIMILAR_CANDIDATES = 300
POSTGRES_SEARCH = (
    "SELECT id, least(ts_rank(fts_document, websearch_to_tsquery('english', :query)), 1) AS rank "
    "FROM subgroups_group WHERE fts_document @@ websearch_to_tsquery('english', :query) "
    "ORDER BY rank DESC LIMIT :limit"
)
# bm25() is negative, lower is better; -score / (1 - score) maps it onto 0..1.
SQLITE_SEARCH = (
    "SELECT rowid AS id, -bm25(subgroups_group_fts) / (1 - bm25(subgroups_group_fts)) AS rank "
    "FROM subgroups_group_fts WHERE subgroups_group_fts MATCH :query "
    "ORDER BY bm25(subgroups_group_fts) LIMIT :limit"
)
OTHER_SEARCH = (
    "SELECT id, 0.5 AS rank FROM subgroups_group "
    "WHERE name LIKE :query OR mandate LIKE :query LIMIT :limit"
)


def matching_groups(query: str, limit: int) -> Subquery | None:
    """The best `limit` matches as a subquery of (id, rank between 0 and 1), to join with the
    groups; None when the query has no words to look for."""
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        sql, value = SQLITE_SEARCH, fts5_match(query)
        if not value:
            return None
    elif dialect == "postgresql":
        sql, value = POSTGRES_SEARCH, query
    else:
        sql, value = OTHER_SEARCH, f"%{query}%"
    return (
        text(sql)
        .bindparams(query=value, limit=limit)
        .columns(column("id", Integer), column("rank", Float))
        .subquery("group_hits")
    )


def summary(text: str, length: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def search_results(query: str, user: User, limit: int) -> list[SearchResult]:
    """The global search's sub-groups: the best matches `user` may see."""
    hits = matching_groups(query, limit * 2)
    if hits is None:
        return []
    query = select(SubGroup, hits.c.rank).join(hits, hits.c.id == SubGroup.id)
    rows = db.session.execute(rules.listed(query, user).order_by(SubGroup.id)).all()
    ranks = {group.id: round(rank, 3) for group, rank in rows}
    visible = sorted((group for group, _ in rows), key=lambda group: -ranks[group.id])
    return [
        SearchResult(
            f"Sub-group ({group.status_label.lower()})",
            group.name,
            url_for("subgroups.show", group_id=group.id),
            summary(group.mandate),
            ranks[group.id],
            group.created_at,
        )
        for group in visible[:limit]
    ]


def similar_groups(text: str, user: User, limit: int) -> list[SimilarItem]:
    """Sub-groups whose name and mandate resemble a draft, for members (never guests)."""
    if user.is_guest:
        return []
    draft = similar.vector(text)
    if not draft:
        return []
    # Only groups sharing a word with the draft can score: the database finds the newest
    # SIMILAR_CANDIDATES of them, so the cost follows the draft, not the number of groups.
    shared = [
        column.contains(word, autoescape=True)
        for word in list(draft)[: similar.MAX_WORDS]
        for column in (func.lower(SubGroup.name), func.lower(SubGroup.mandate))
    ]
    groups = db.session.scalars(
        select(SubGroup)
        .where(SubGroup.status != "rejected", or_(*shared))
        .order_by(SubGroup.id.desc())
        .limit(SIMILAR_CANDIDATES)
    ).all()
    scored = []
    for group in groups:
        score = similar.similarity(draft, similar.vector(group.name, group.mandate))
        if score > 0:
            scored.append((score, group))
    scored.sort(key=lambda pair: (-pair[0], pair[1].name))
    return [
        SimilarItem(
            f"Sub-group ({group.status_label.lower()})",
            group.name,
            url_for("subgroups.show", group_id=group.id),
            score,
            summary(group.mandate),
        )
        for score, group in scored[:limit]
    ]
