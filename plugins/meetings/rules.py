"""Who may see what of the meetings plugin: the one place its permission rules live.

Members see every meeting unless a plugin vetoes; guests see a meeting when it, or its
series, was granted to them (the partners plugin answers for grants). The documents of an
agenda item are for whoever may see its meeting.
"""

from __future__ import annotations

from typing import Any

from intranet.plugin_api import ResourceRef, can, db

from .models import AgendaItem, Meeting

VIEW = "meetings.view"
MEETING = "meetings.meeting"
SERIES = "meetings.series"
AGENDA_ITEM = "meetings.agenda_item"
VIEW_ATTACHMENT = "meetings.view_attachment"


def may_view(user: Any, meeting: Meeting) -> bool:
    """Members see meetings unless a plugin vetoes; guests need a grant of it or its series."""
    if can(user, VIEW, ResourceRef(MEETING, meeting.id)):
        return True
    return meeting.series_id is not None and can(user, VIEW, ResourceRef(SERIES, meeting.series_id))


def visible(user: Any, meetings: list[Meeting]) -> list[Meeting]:
    return [meeting for meeting in meetings if may_view(user, meeting)]


def visible_to(meeting: Meeting, users: list[Any]) -> list[Any]:
    """The people among `users` who may see the meeting."""
    return [user for user in users if may_view(user, meeting)]


def may_view_agenda_item(user: Any, item_id: int) -> bool:
    """Documents of an agenda item are for whoever may see its meeting."""
    item = db.session.get(AgendaItem, item_id)
    return item is not None and may_view(user, item.meeting)


def permission(user: Any, action: str, resource: ResourceRef | None) -> bool | None:
    if action == VIEW_ATTACHMENT:
        if resource is None or resource.kind != AGENDA_ITEM:
            return False
        return may_view_agenda_item(user, resource.id)
    return None
