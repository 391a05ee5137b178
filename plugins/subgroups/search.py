"""Full-text search of sub-groups with the database's own engine."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import chain

from flask import url_for
from sqlalchemy import Float, Integer, Subquery, column, select, text

from intranet.plugin_api import (
    SearchResult,
    SimilarItem,
    User,
    cached_figures,
    db,
    fts5_match,
    watch_tables,
)

from . import rules, similar
from .models import SubGroup

SIMILAR_CANDIDATES = 300
# The groups' words for similar work, kept per worker until a group is added or removed or its
# name, mandate or status changes.
WORDS_STAMP = "subgroups-words"
watch_tables(WORDS_STAMP, SubGroup.name, SubGroup.mandate, SubGroup.status)

# fts_document: the stored tsvector of name and mandate, under the GIN index (subgroups_0006);
# websearch_to_tsquery accepts any text without a syntax error.
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


@dataclass
class WordIndex:
    """Each group's name and word vector, and for each word the groups that hold it."""

    names: dict[int, str]
    vectors: dict[int, Counter[str]]
    norms: dict[int, float]
    groups_with: dict[str, list[int]]


def word_index() -> WordIndex:
    index = WordIndex({}, {}, {}, defaultdict(list))
    rows = select(SubGroup.id, SubGroup.name, SubGroup.mandate).where(SubGroup.status != "rejected")
    for group_id, name, mandate in db.session.execute(rows):
        index.names[group_id] = name
        index.vectors[group_id] = similar.vector(name, mandate)
        index.norms[group_id] = similar.norm(index.vectors[group_id])
        for word in index.vectors[group_id]:
            index.groups_with[word].append(group_id)
    return index


def similar_groups(text: str, user: User, limit: int) -> list[SimilarItem]:
    """Sub-groups whose name and mandate resemble a draft, for members (never guests).

    Each worker keeps the groups' words until a name, mandate or status changes (WORDS_STAMP),
    so a draft is compared without reading or splitting the groups' texts: only the best
    `limit` groups are read, for their current status."""
    if user.is_guest:
        return []
    draft = similar.vector(text)
    if not draft:
        return []
    index = cached_figures(WORDS_STAMP, "index", word_index, shared=False)
    # Only groups sharing a word with the draft can score: the newest SIMILAR_CANDIDATES of
    # them are compared, so the cost follows the draft, not the number of groups.
    sharing = set(chain.from_iterable(index.groups_with.get(word, ()) for word in draft))
    scored, draft_norm = [], similar.norm(draft)
    for group_id in heapq.nlargest(SIMILAR_CANDIDATES, sharing):
        vector, vector_norm = index.vectors[group_id], index.norms[group_id]
        score = similar.similarity(draft, vector, draft_norm, vector_norm)
        if score > 0:
            scored.append((score, index.names[group_id], group_id))
    best = sorted(scored, key=lambda found: (-found[0], found[1]))[:limit]
    groups = db.session.scalars(select(SubGroup).where(SubGroup.id.in_([i for *_, i in best])))
    by_id = {group.id: group for group in groups}
    return [
        SimilarItem(
            f"Sub-group ({by_id[group_id].status_label.lower()})",
            by_id[group_id].name,
            url_for("subgroups.show", group_id=group_id),
            score,
            summary(by_id[group_id].mandate),
        )
        for score, _, group_id in best
        if group_id in by_id
    ]
