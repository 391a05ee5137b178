"""Fixtures for the meetings plugin: a secretariat member, a meeting factory and a grant."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from intranet.extensions import db
from intranet.models import User
from intranet.platform import plugins
from intranet.plugin_api import hookimpl
from intranet_meetings.models import AgendaItem, Meeting
from intranet_meetings.services import series_end


@pytest.fixture
def secretariat(make_user: Any) -> User:
    return make_user("secretariat", email="sec@example.org", name="Sofia Secretariat")


@pytest.fixture
def make_meeting(app: Any) -> Any:
    """Create a meeting; `start` and `end` are local times in `timezone`."""

    def make(
        title: str = "Plenary in Riga",
        start: datetime = datetime(2030, 3, 19, 10, 0),
        end: datetime = datetime(2030, 3, 19, 12, 0),
        timezone: str = "Europe/Riga",
        agenda: tuple[str, ...] = (),
        **fields: Any,
    ) -> Meeting:
        zone = ZoneInfo(timezone)
        meeting = Meeting(
            title=title,
            kind=fields.pop("kind", "plenary"),
            start_at=start.replace(tzinfo=zone),
            end_at=end.replace(tzinfo=zone),
            timezone=timezone,
            venue=fields.pop("venue", "Riga"),
            online_url="",
            status=fields.pop("status", "confirmed"),
            exdates=fields.pop("exdates", []),
            **fields,
        )
        meeting.last_end_at = series_end(meeting)
        for position, item_title in enumerate(agenda, start=1):
            meeting.agenda_items.append(AgendaItem(position=position, title=item_title))
        db.session.add(meeting)
        db.session.commit()
        return meeting

    return make


@pytest.fixture
def grant_meeting(app: Any) -> Iterator[Any]:
    """Let guests view one meeting, as the partners plugin's grant of it would (one object
    at a time and list-shaped)."""
    granted: list[int] = []

    class Grant:
        @hookimpl
        def intranet_permission(self, user: Any, action: str, resource: Any) -> bool | None:
            if resource is not None and resource.kind == "meetings.meeting":
                return resource.id in granted or None
            return None

        @hookimpl
        def intranet_permission_many(
            self, user: Any, action: str, kind: str, ids: list[int]
        ) -> dict[int, bool] | None:
            if kind == "meetings.meeting":
                return {id_: True for id_ in ids if id_ in granted}
            return None

        @hookimpl
        def intranet_permitted(self, user: Any, action: str) -> dict[str, list[int]] | None:
            return {"meetings.meeting": list(granted)} if user.is_guest else None

    plugins.registry().pm.register(Grant(), name="meetings-test-grant")
    yield lambda meeting: granted.append(meeting.id)
    plugins.registry().pm.unregister(name="meetings-test-grant")


@pytest.fixture
def grant(app: Any) -> Iterator[Any]:
    """Grant one guest one object (`grant(guest, kind, id)`), answered as the partners plugin
    answers its grants: one object at a time and list-shaped."""
    granted: set[tuple[int, str, int]] = set()

    class Grants:
        @hookimpl
        def intranet_permission(self, user: Any, action: str, resource: Any) -> bool | None:
            if resource is None or resource.id is None:
                return None
            return (user.id, resource.kind, resource.id) in granted or None

        @hookimpl
        def intranet_permission_many(
            self, user: Any, action: str, kind: str, ids: list[int]
        ) -> dict[int, bool] | None:
            return {id_: True for id_ in ids if (user.id, kind, id_) in granted}

        @hookimpl
        def intranet_permitted(self, user: Any, action: str) -> dict[str, set[int]]:
            named: dict[str, set[int]] = {}
            for user_id, kind, id_ in granted:
                if user_id == user.id:
                    named.setdefault(kind, set()).add(id_)
            return named

    plugins.registry().pm.register(Grants(), name="meetings-test-grants")
    yield lambda user, kind, id_: granted.add((user.id, kind, id_))
    plugins.registry().pm.unregister(name="meetings-test-grants")
