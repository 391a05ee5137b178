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
from sqlalchemy import Select, Table, delete, event, insert, select

from intranet.extensions import db
from intranet.models import User, utcnow
from intranet.platform.scale import scale_email

BENCH_EMAIL = scale_email("member", 1)
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


def bench_pages(user: User) -> list[Page]:
    """The measured pages, with ids of objects `user` may see; the bare route comes first."""
    other = _first(select(User.id).where(User.email == scale_email("member", 2)))
    pages = [
        Page("bare route", "/healthz"),
        Page("dashboard", "/"),
        Page("directory search", "/directory?q=tamm", search=True),
        Page("member profile", f"/members/{other}"),
        Page("global search", "/search?q=shelter", search=True),
    ]
    if _table("lessons_lesson") is not None:
        pages += [
            Page(
                "lessons search + facets",
                "/lessons/?q=shelter&country=SE&area=protection",
                search=True,
            ),
            Page("coverage matrix", "/lessons/coverage"),
        ]
    if (membership := _table("subgroups_membership")) is not None:
        group = _first(
            select(membership.c.group_id)
            .where(membership.c.user_id == user.id)
            .order_by(membership.c.group_id.desc())
        )
        pages.append(Page("sub-group page", f"/subgroups/{group}"))
    if (participant := _table("meetings_participant")) is not None:
        meeting = _first(
            select(participant.c.meeting_id)
            .where(participant.c.user_id == user.id)
            .order_by(participant.c.meeting_id.desc())
        )
        pages.append(Page("meeting page", f"/meetings/{meeting}"))
        pages.append(Page("personal .ics feed", f"/calendar/{FEED_TOKEN}.ics"))
    # A dashboard card, as htmx loads it and as the same URL renders without htmx.
    widget = "/subgroups/mine" if _table("subgroups_group") is not None else "/dashboard/welcome"
    pages.append(Page("htmx fragment", widget, headers=HTMX))
    pages.append(Page("fragment's full page", widget))
    return pages


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


def page_costs(client: FlaskClient, pages: list[Page]) -> dict[str, PageCost]:
    """SQL statements and response bytes of each page for the signed-in `client`.

    Each page is requested twice and the second request counted, as a running worker with
    its caches warm serves it. Statements are counted with a before_cursor_execute listener.
    """
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    costs = {}
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for page in pages:
            client.get(page.url, headers=page.headers)
            statements.clear()
            response = client.get(page.url, headers=page.headers)
            if response.status_code != 200:
                raise AssertionError(f"{page.url} answered {response.status_code}")
            costs[page.name] = PageCost(len(statements), len(response.data), list(statements))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return costs
