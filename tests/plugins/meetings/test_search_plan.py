"""PostgreSQL reads the newest rows of each searched table in id order, never through the
full-text index: PostgreSQL cannot tell how common a word prefix is, and offered the index it
took it for a common word (163,000 minutes matched at N=10: 23 ms instead of 1)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from intranet.extensions import db
from intranet_meetings import search


@pytest.fixture
def postgresql(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("reads PostgreSQL's plan")


@pytest.mark.fresh_database
@pytest.mark.parametrize("source", search.SOURCES, ids=lambda source: source.table)
def test_the_newest_rows_are_read_in_id_order_whatever_the_word(postgresql, source):
    statement = select(search.best_rows(source, "postgresql"))
    sql = str(statement.compile(db.engine, compile_kwargs={"render_postcompile": True}))
    connection = db.session.connection()
    # as if the index were the cheapest way: the window must not be able to take it
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    connection.exec_driver_sql("SET LOCAL random_page_cost = 1.1")
    plan = (
        connection.exec_driver_sql(
            f"EXPLAIN {sql}", {"match": search.tsquery("investigation"), "limit": 10}
        )
        .scalars()
        .all()
    )
    at = next(i for i, line in enumerate(plan) if "CTE recent" in line)
    depth = len(plan[at]) - len(plan[at].lstrip())
    ends = [i for i in range(at + 1, len(plan)) if len(plan[i]) - len(plan[i].lstrip()) <= depth]
    window = plan[at : ends[0] if ends else len(plan)]
    scans = [line for line in window if "Scan" in line and " on " in line]
    assert any(f"pk_{source.table}" in line for line in scans), window
    assert not [line for line in scans if "fts" in line.split(" on ")[-1]], window
