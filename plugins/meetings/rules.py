"""Who may see what of the meetings plugin: the one place its permission rules live.

Members see every meeting unless a plugin vetoes; guests see a meeting that was granted to
them, or whose series was (grants are the partners plugin's answer). The documents of an
agenda item are for whoever may see its meeting. Guests read minutes once they are approved.

`intranet_permission_many` answers from these rules with one query for all ids; `can()`
counts that answer for a single object too, so the pages, `can()` and `can_many()` agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Select, false, or_, select, true

from intranet.plugin_api import ResourceRef, can, can_many, db, permitted_refs

from .models import AgendaItem, Meeting, Minutes, Series

VIEW = "meetings.view"
MEETING = "meetings.meeting"
SERIES = "meetings.series"
AGENDA_ITEM = "meetings.agenda_item"
MINUTES = "meetings.minutes"
VIEW_ATTACHMENT = "meetings.view_attachment"
APPROVED = "approved"


def permission(user: Any, action: str, resource: ResourceRef | None) -> bool | None:
    """A document of anything but an agenda item is not ours to give; objects are answered by
    `permission_many`, whose vote `can()` counts."""
    if action == VIEW_ATTACHMENT and (resource is None or resource.kind != AGENDA_ITEM):
        return False
    return None


def permission_many(user: Any, action: str, kind: str, ids: list[int]) -> dict[int, bool] | None:
    if action == VIEW and kind == MEETING:
        return series_grants(user, ids)
    if action == VIEW and kind == MINUTES:
        return minutes_votes(user, ids)
    if action == VIEW_ATTACHMENT and kind == AGENDA_ITEM:
        return meeting_votes(user, select(AgendaItem.id, AgendaItem.meeting_id), AgendaItem, ids)
    return None


def series_grants(user: Any, ids: list[int]) -> dict[int, bool] | None:
    """A guest granted a series sees its meetings (a grant of one meeting is its own vote)."""
    if not user.is_guest:
        return None
    # From the granted series to their meetings: a list page asks about every meeting, and
    # naming them all in one statement would outgrow PostgreSQL's 65,535 parameters.
    granted = can_many(user, VIEW, SERIES, db.session.scalars(select(Series.id)))
    if not granted:
        return {}
    wanted = set(ids)
    in_series = db.session.scalars(select(Meeting.id).where(Meeting.series_id.in_(granted)))
    return {meeting_id: True for meeting_id in in_series if meeting_id in wanted}


def meeting_votes(user: Any, pairs: Select[Any], model: Any, ids: list[int]) -> dict[int, bool]:
    """Objects belonging to a meeting are for whoever may see that meeting: `pairs` selects
    (object id, meeting id) of `model`; an id that names no object is refused."""
    meeting_of = {
        id_: meeting_id for id_, meeting_id in db.session.execute(pairs.where(model.id.in_(ids)))
    }
    allowed = can_many(user, VIEW, MEETING, meeting_of.values())
    return {id_: meeting_of.get(id_) in allowed for id_ in ids}


def minutes_votes(user: Any, ids: list[int]) -> dict[int, bool]:
    pairs = select(Minutes.id, Minutes.meeting_id).where(Minutes.id.in_(ids))
    meeting_of = {id_: meeting_id for id_, meeting_id in db.session.execute(pairs)}
    readable = readable_minutes(user, meeting_of, visible_ids(user, meeting_of.values()))
    return {id_: id_ in readable for id_ in ids}


def readable_minutes(user: Any, meeting_of: dict[int, int], seen: set[int]) -> set[int]:
    """Among minutes (id: meeting id), those `user` reads, given the meetings `seen` by them:
    all of a meeting they see; a guest only approved ones."""
    ids = [id_ for id_, meeting_id in meeting_of.items() if meeting_id in seen]
    if user.is_guest and ids:
        ids = list(
            db.session.scalars(select(Minutes.id).where(Minutes.id.in_(ids), minutes_filter(user)))
        )
    return set(ids)


def minutes_filter(user: Any) -> ColumnElement[bool]:
    """The minutes `user` may read among those of meetings they see, as a SQL condition."""
    return Minutes.status == APPROVED if user.is_guest else true()


def shows_minutes(user: Any, minutes: Minutes | None) -> bool:
    """Whether a meeting page shows these minutes to `user` (who may see the meeting)."""
    return minutes is not None and (not user.is_guest or minutes.status == APPROVED)


def may_view(user: Any, meeting: Meeting) -> bool:
    return can(user, VIEW, ResourceRef(MEETING, meeting.id))


def visible_ids(user: Any, meeting_ids: Iterable[int]) -> set[int]:
    return can_many(user, VIEW, MEETING, meeting_ids)


def visible(user: Any, meetings: list[Meeting]) -> list[Meeting]:
    allowed = visible_ids(user, [meeting.id for meeting in meetings])
    return [meeting for meeting in meetings if meeting.id in allowed]


def visible_filter(user: Any, query: Select[Any]) -> Select[Any]:
    """`query` (of meetings) narrowed to those a guest may see, so that it can be paginated.

    Members see every meeting but those a plugin vetoes, which `visible` drops from a page.
    """
    return query.where(*visible_conditions(user, query.whereclause))


def visible_conditions(user: Any, *where: Any) -> list[ColumnElement[bool]]:
    """What narrows the meetings meeting `where` to those `user` may see: nothing for members
    (as `visible_filter`), the ids granted among them for a guest."""
    if not user.is_guest:
        return []
    candidates = db.session.scalars(select(Meeting.id).where(granted_reach(user), *where))
    return [Meeting.id.in_(visible_ids(user, candidates))]


def granted_reach(user: Any) -> ColumnElement[bool]:
    """The meetings a guest may see at most: those the plugins name as granted, one by one or
    by their series (`intranet_permitted`). Their votes are still counted (`visible_ids`), but
    a guest's list reads the grants, never every meeting of the site."""
    named = permitted_refs(user, VIEW)
    meetings = sorted(ref.id for ref in named if ref.kind == MEETING)
    series = sorted(ref.id for ref in named if ref.kind == SERIES)
    return meetings_or_series(meetings, series)


def meetings_or_series(meeting_ids: Iterable[int], series_ids: Iterable[int]) -> Any:
    """The meetings among `meeting_ids` or of a series among `series_ids`. Only a list that
    holds something goes into the condition: an empty IN in the OR hid from SQLite that the
    meetings can be read by their keys, and it read every earlier plenary instead (10 ms)."""
    reach = [
        column.in_(sorted(ids))
        for column, ids in ((Meeting.id, set(meeting_ids)), (Meeting.series_id, set(series_ids)))
        if ids
    ]
    return or_(false(), *reach)


def visible_to(meeting: Meeting, users: list[Any]) -> list[Any]:
    """The people among `users` who may see the meeting."""
    return [user for user in users if may_view(user, meeting)]
