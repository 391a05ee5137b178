"""The pages the benchmark measures and the query guards count, for the scale data's user.

Needs an app context on a database filled by `flask --app wsgi intranet demo --scale N`.
Plugin tables are read through the metadata, so a plugin that is not installed only removes
its pages from the list.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import Select, Table, delete, event, func, insert, select

from bench.discover import Walker, frequent_and_rare_words
from intranet.extensions import db
from intranet.models import User, utcnow
from intranet.platform.scale import scale_email

BENCH_EMAIL = scale_email("member", 1)
STAFF_EMAIL = scale_email("secretariat", 1)
FEED_TOKEN = "benchmark-calendar-feed"  # noqa: S105 - a throwaway feed of generated data
HTMX = {"HX-Request": "true"}


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    search: bool = False


def bench_user() -> User:
    return db.session.scalars(select(User).where(User.email == BENCH_EMAIL)).one()


def _table(name: str) -> Table | None:
    """A plugin's table, or None when the plugin is not installed."""
    return db.metadata.tables.get(name)


def _first(statement: Select) -> int | None:
    return db.session.scalar(statement.limit(1))


def install_feed_token(user: User) -> None:
    """Give the user a personal calendar feed with a known address (stored as its digest)."""
    table = _table("meetings_feed_token")
    if table is None:
        return
    db.session.execute(delete(table).where(table.c.user_id == user.id))
    db.session.execute(
        insert(table).values(
            user_id=user.id,
            token_hash=hashlib.sha256(FEED_TOKEN.encode()).hexdigest(),
            created_at=utcnow(),
        )
    )
    db.session.commit()


def guest_email() -> str | None:
    """The generated guest with the most grants still in force, or None without partners."""
    guest, grant = _table("partners_guest"), _table("partners_grant")
    if guest is None or grant is None:
        return None
    return db.session.scalar(
        select(User.email)
        .join(guest, guest.c.user_id == User.id)
        .join(grant, grant.c.guest_id == guest.c.user_id)
        .where(
            User.email.like(f"%@{BENCH_EMAIL.partition('@')[2]}"),
            User.is_active_account.is_(True),
            guest.c.ended_at.is_(None),
        )
        .group_by(User.email)
        .order_by(func.count().desc(), User.email)
        .limit(1)
    )


def role_emails() -> dict[str, str]:
    """Who the benchmark signs in as: a member, the secretariat and (with partners) a guest."""
    emails = {"member": BENCH_EMAIL, "secretariat": STAFF_EMAIL}
    if guest := guest_email():
        emails["guest"] = guest
    return emails


def data_words() -> tuple[str, str]:
    """The most frequent word of the generated texts and a rare one, from the newest titles."""
    texts: list[str] = []
    for name, column in (
        ("lessons_lesson", "title"),
        ("subgroups_thread", "title"),
        ("meetings_meeting", "title"),
    ):
        if (table := _table(name)) is not None:
            query = select(table.c[column]).order_by(table.c.id.desc()).limit(2000)
            texts += db.session.scalars(query).all()
    texts += db.session.scalars(select(User.expertise).limit(2000)).all()
    return frequent_and_rare_words(text or "" for text in texts)


def discovered_pages(client: FlaskClient, role: str) -> list[Page]:
    """What `role` opens, found by walking the intranet signed in as `client` (discover.py);
    the bare route comes first, as the reference the other pages are compared with."""
    found = Walker(client, role, data_words()).walk()
    pages = [Page(page.name, page.url, page.headers, page.search) for page in found]
    return [Page(f"{role}: bare route", "/healthz"), *pages]


class WorkerClient(FlaskClient):
    """A test client whose requests each run in an app context of their own (a fresh `g`),
    as a worker serves them; inside one outer app context Flask would share it."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            return super().open(*args, **kwargs)


@dataclass
class PageCost:
    queries: int
    bytes: int
    statements: list[str]
    rows: int = -1  # rows the database sent back (PostgreSQL; SQLite does not count them)


def page_costs(
    client: FlaskClient, pages: list[Page], *, opened: bool = False
) -> dict[str, PageCost]:
    """SQL statements, rows read and response bytes of each page for the signed-in `client`.

    Each page is counted on a request after its first, as a running worker with its caches
    warm serves it: requested twice, or once when `opened` (the walk of `discovered_pages`
    has just requested every page it found). Statements are counted with a
    before_cursor_execute listener, rows with an after_cursor_execute one (the rows a
    statement gave, fetched or not: a `.first()` without a limit still receives every row).
    """
    statements: list[str] = []
    rows: list[int] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    def count_rows(_conn: Any, cursor: Any, *_args: Any) -> None:
        if cursor.description is not None:  # a statement that returns rows
            rows.append(cursor.rowcount)

    costs = {}
    event.listen(db.engine, "before_cursor_execute", count)
    event.listen(db.engine, "after_cursor_execute", count_rows)
    try:
        for page in pages:
            if not opened:
                client.get(page.url, headers=page.headers)
            statements.clear()
            rows.clear()
            response = client.get(page.url, headers=page.headers)
            if response.status_code != 200:
                raise AssertionError(f"{page.url} answered {response.status_code}")
            counted = -1 if any(row < 0 for row in rows) else sum(rows)
            costs[page.name] = PageCost(
                len(statements), len(response.data), list(statements), counted
            )
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
        event.remove(db.engine, "after_cursor_execute", count_rows)
    return costs
