"""Full-text search of sub-groups with the database's own engine."""

from __future__ import annotations

from sqlalchemy import Float, Integer, Subquery, column, text

from intranet.plugin_api import db, fts5_match

# The document is the very expression of the GIN index in the migration, so PostgreSQL uses
# that index; websearch_to_tsquery accepts any text without a syntax error.
POSTGRES_SEARCH = (
    "SELECT id, least(ts_rank(to_tsvector('english', coalesce(name, '') || ' ' || "
    "coalesce(mandate, '')), websearch_to_tsquery('english', :query)), 1) AS rank "
    "FROM subgroups_group WHERE to_tsvector('english', coalesce(name, '') || ' ' || "
    "coalesce(mandate, '')) @@ websearch_to_tsquery('english', :query) "
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
