"""Full-text search over the living documents and the reports (FTS5 or PostgreSQL tsvector)."""

from __future__ import annotations

from sqlalchemy import text

from intranet.plugin_api import db, fts5_match
from plugins.governance.models import REPORT_VECTOR, REVISION_VECTOR

VECTORS = {"governance_revision": REVISION_VECTOR, "governance_report": REPORT_VECTOR}
SNIPPET_COLUMN = {"governance_revision": "body", "governance_report": "introduction"}


def matching(table: str, query: str, limit: int) -> list[tuple[int, float, str]]:
    """(id, rank, snippet) of the rows of `table` matching `query`, best first."""
    if db.engine.dialect.name == "postgresql":
        vector, column = VECTORS[table], SNIPPET_COLUMN[table]
        statement = text(
            f"SELECT id, ts_rank({vector}, q) AS rank, "  # noqa: S608 - constants only
            f"ts_headline('english', {column}, q, 'StartSel=\"\",StopSel=\"\",MaxWords=25') "
            f"FROM {table}, websearch_to_tsquery('english', :query) AS q "
            f"WHERE {vector} @@ q ORDER BY rank DESC LIMIT :limit"
        )
        params = {"query": query, "limit": limit}
    else:
        match = fts5_match(query, prefix="all")
        if not match:
            return []
        fts = f"{table}_fts"
        statement = text(
            f"SELECT rowid, -bm25({fts}) AS rank, snippet({fts}, -1, '', '', '…', 16) "  # noqa: S608
            f"FROM {fts} WHERE {fts} MATCH :query ORDER BY bm25({fts}) LIMIT :limit"
        )
        params = {"query": match, "limit": limit}
    return [(row[0], float(row[1]), row[2]) for row in db.session.execute(statement, params)]
