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
from plugins.meetings.models import AgendaItem, Meeting
from plugins.meetings.views import series_end


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
    """Let guests view one meeting, as the partners plugin's grant of it would."""
    granted: list[int] = []

    class Grant:
        @hookimpl
        def intranet_permission(self, user: Any, action: str, resource: Any) -> bool | None:
            if resource is not None and resource.kind == "meetings.meeting":
                return resource.id in granted or None
            return None

    plugins.registry().pm.register(Grant(), name="meetings-test-grant")
    yield lambda meeting: granted.append(meeting.id)
    plugins.registry().pm.unregister(name="meetings-test-grant")
