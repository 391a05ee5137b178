"""What the database does for a page: the statements a request sends, and SQLite's plan for one.

The tests that hold a list to its index read the plan of the statements the page really sent
(with their parameters), rather than a statement rebuilt by hand that the page might not send.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from intranet.extensions import db

Statement = tuple[str, Any]


def statements_of(client: Any, url: str, wanted: Callable[[str], bool]) -> list[Statement]:
    """The statements (with parameters) that GET `url` sends and `wanted` picks."""
    sent: list[Statement] = []

    def seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if wanted(statement):
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    return sent


@contextmanager
def recorded(wanted: Callable[[str], bool]) -> Iterator[list[str]]:
    """The statements sent inside the block that `wanted` picks."""
    sent: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if wanted(statement):
            sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)


def sqlite_reads(statement: str, parameters: Any, table: str) -> list[str]:
    """The lines of SQLite's query plan for `statement` that read `table` (SEARCH or SCAN)."""
    plan = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
    lines = [row[-1] for row in plan]
    return [line for line in lines if f" {table} " in f"{line} "]


def sqlite_reads_of(
    client: Any, url: str, wanted: Callable[[str], bool], table: str
) -> list[list[str]]:
    """For each statement GET `url` sends that `wanted` picks, the lines of SQLite's plan that
    read `table`; the page must send at least one."""
    sent = statements_of(client, url, wanted)
    assert sent, f"{url} sent no statement of the kind looked for"
    return [sqlite_reads(statement, parameters, table) for statement, parameters in sent]
