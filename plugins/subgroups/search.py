"""Full-text search of sub-groups with the database's own engine."""

from __future__ import annotations

from sqlalchemy import text

from intranet.plugin_api import db, fts5_match

# The document is the very expression of the GIN index in the migration, so PostgreSQL uses
# that index; websearch_to_tsquery accepts any text without a syntax error.
POSTGRES_SEARCH = text(
    "SELECT id, ts_rank(to_tsvector('english', coalesce(name, '') || ' ' || coalesce(mandate, "
    "'')), websearch_to_tsquery('english', :query)) AS score FROM subgroups_group "
    "WHERE to_tsvector('english', coalesce(name, '') || ' ' || coalesce(mandate, '')) "
    "@@ websearch_to_tsquery('english', :query) ORDER BY score DESC LIMIT :limit"
)


def matching_group_ids(query: str, limit: int) -> list[tuple[int, float]]:
    """(group id, rank between 0 and 1) pairs, best first."""
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        match = fts5_match(query)
        if not match:
            return []
        rows = db.session.execute(
            text(
                "SELECT rowid, bm25(subgroups_group_fts) AS score FROM subgroups_group_fts "
                "WHERE subgroups_group_fts MATCH :match ORDER BY score LIMIT :limit"
            ),
            {"match": match, "limit": limit},
        ).all()
        # bm25() is negative, lower is better; map it onto 0..1.
        return [(row[0], round(-row[1] / (1 - row[1]), 3)) for row in rows]
    if dialect == "postgresql":
        rows = db.session.execute(POSTGRES_SEARCH, {"query": query, "limit": limit}).all()
        return [(row[0], round(min(float(row[1]), 1.0), 3)) for row in rows]
    pattern = f"%{query}%"
    rows = db.session.execute(
        text("SELECT id FROM subgroups_group WHERE name LIKE :p OR mandate LIKE :p LIMIT :limit"),
        {"p": pattern, "limit": limit},
    ).all()
    return [(row[0], 0.5) for row in rows]
