"""Audiences that stay audiences: a member who joins after "all members" (or their whole
delegation, or a whole sub-group) were invited is invited to the upcoming meetings too, one
who leaves is taken off them, and a guest granted a meeting (or its series) is one of its
participants for as long as the grant lasts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app, has_request_context
from sqlalchemy import Select, delete, select

from intranet.plugin_api import ResourceRef, User, collect, db, utcnow

from . import notices
from .models import Meeting, Participant
from .rules import MEETING, SERIES, meetings_or_series, visible_ids

GROUP = "subgroups.group"  # the kind of a sub-group, owned by the subgroups plugin


@contextmanager
def request_for_links() -> Iterator[None]:
    """Events also come from the command line: links in the mails need a request."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        yield


def upcoming() -> Select[Any]:
    return select(Meeting).where(Meeting.last_end_at >= utcnow(), Meeting.status != "cancelled")


def add_participant(user: User, meetings: list[Meeting]) -> None:
    """Make `user` a participant of `meetings` they are not in yet, and invite them."""
    if not meetings:
        return
    already = set(
        db.session.scalars(
            select(Participant.meeting_id).where(
                Participant.user_id == user.id,
                Participant.meeting_id.in_([meeting.id for meeting in meetings]),
            )
        )
    )
    new = [meeting for meeting in meetings if meeting.id not in already]
    for meeting in new:
        db.session.add(Participant(meeting_id=meeting.id, user_id=user.id))
    db.session.commit()
    with request_for_links():
        for meeting in new:
            notices.invited(meeting, [user], None)


def member_joined(user: User) -> None:
    """A new member is invited to the upcoming meetings all members, or their delegation,
    were invited to."""
    if user.is_guest or not user.is_active:
        return
    country = (user.country_code or "").upper()
    meetings = [
        meeting
        for meeting in db.session.scalars(upcoming())
        if meeting.all_members_invited or (country and country in meeting.invited_delegations)
    ]
    seen = visible_ids(user, [meeting.id for meeting in meetings])
    add_participant(user, [meeting for meeting in meetings if meeting.id in seen])


def member_left(user: User) -> None:
    """A deactivated account is taken off the meetings still to come."""
    db.session.execute(
        delete(Participant).where(
            Participant.user_id == user.id,
            Participant.meeting_id.in_(select(Meeting.id).where(Meeting.last_end_at >= utcnow())),
        )
    )
    db.session.commit()


def guest_grants_changed(guest: User, granted: list[ResourceRef]) -> None:
    """A guest is a participant of each upcoming meeting granted to them (or whose series
    is), and no longer of one whose grant was withdrawn."""
    meeting_ids = {ref.id for ref in granted if ref.kind == MEETING}
    series_ids = {ref.id for ref in granted if ref.kind == SERIES}
    granted_meetings = list(
        db.session.scalars(upcoming().where(meetings_or_series(meeting_ids, series_ids)))
    )
    db.session.execute(
        delete(Participant).where(
            Participant.user_id == guest.id,
            Participant.meeting_id.in_(select(Meeting.id).where(Meeting.last_end_at >= utcnow())),
            Participant.meeting_id.not_in([meeting.id for meeting in granted_meetings]),
        )
    )
    db.session.commit()
    add_participant(guest, granted_meetings)


def still_invited(user: User, meeting: Meeting, group_id: int) -> bool:
    """Whether `user`, who left the sub-group `group_id`, is still in another audience the
    meeting invited: all members, their delegation, another sub-group."""
    if user.is_active and not user.is_guest:
        country = (user.country_code or "").upper()
        if meeting.all_members_invited or (country and country in meeting.invited_delegations):
            return True
    others = [ResourceRef(GROUP, other) for other in meeting.invited_groups if other != group_id]
    return any(user in collect("intranet_resource_members", resource=group) for group in others)


def group_members_changed(group_id: int, added: list[User], removed: list[User]) -> None:
    """Who joins a sub-group is invited to its upcoming meetings the whole sub-group was
    invited to (a guest only to those they may see); who leaves is taken off them unless
    another audience of the meeting still names them."""
    meetings = [
        meeting
        for meeting in db.session.scalars(upcoming())
        if group_id in (meeting.invited_groups or [])
    ]
    if not meetings:
        return
    for user in removed:
        gone = [m.id for m in meetings if not still_invited(user, m, group_id)]
        db.session.execute(
            delete(Participant).where(
                Participant.user_id == user.id, Participant.meeting_id.in_(gone)
            )
        )
    db.session.commit()
    for user in added:
        if user.is_active:
            seen = visible_ids(user, [meeting.id for meeting in meetings])
            add_participant(user, [meeting for meeting in meetings if meeting.id in seen])
