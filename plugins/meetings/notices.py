"""Who is told what about meetings: every notification of the plugin goes through here.

Each function is called after the change is committed, leaves out the person who acted (the
`actor`) and goes through `notify()`, which honours each user's preference.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from flask import url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from intranet.plugin_api import NotifyResult, User, db, notify, setting, utcnow
from plugins.meetings.models import ActionItem, Meeting, Participant

DEFAULT_REMINDER_HOURS = 24


def _send(
    users: Iterable[User], actor: Any, kind: str, title: str, text: str, url: str
) -> NotifyResult:
    actor_id = getattr(actor, "id", None)
    recipients = [user for user in users if user.id != actor_id]
    return notify(recipients, kind, title, text, url)


def meeting_path(meeting: Meeting, anchor: str = "") -> str:
    return url_for("meetings.show", meeting_id=meeting.id) + anchor


def _invitees(meeting: Meeting, *, declined: bool = True) -> list[User]:
    query = (
        select(User)
        .join(Participant, Participant.user_id == User.id)
        .where(Participant.meeting_id == meeting.id)
    )
    if not declined:
        query = query.where(
            or_(Participant.response.is_(None), Participant.response != "not-attending")
        )
    return list(db.session.scalars(query))


def _when(meeting: Meeting) -> str:
    local = meeting.local_start
    return local.strftime("%a %d %b %Y, %H:%M ") + f"({meeting.timezone})"


def invited(meeting: Meeting, users: Iterable[User], actor: Any) -> NotifyResult:
    where = meeting.venue or ("online" if meeting.online_url else "")
    text = f"{_when(meeting)}" + (f", {where}" if where else "") + ". Please answer."
    return _send(
        users,
        actor,
        "meetings.invited",
        f"Invitation: {meeting.title}",
        text,
        meeting_path(meeting),
    )


def agenda_published(meeting: Meeting, actor: Any, *, again: bool) -> NotifyResult:
    title = f"{'Agenda updated' if again else 'Agenda published'}: {meeting.title}"
    return _send(
        _invitees(meeting, declined=False),
        actor,
        "meetings.agenda_published",
        title,
        f"The agenda of the meeting on {_when(meeting)} is ready.",
        meeting_path(meeting, "#agenda"),
    )


def changed(meeting: Meeting, what: list[str], actor: Any) -> NotifyResult:
    lines = [f"{label}: {value}" for label, value in what]
    return _send(
        _invitees(meeting, declined=False),
        actor,
        "meetings.changed",
        f"Changed: {meeting.title}",
        "\n".join(lines),
        meeting_path(meeting),
    )


def cancelled(meeting: Meeting, actor: Any) -> NotifyResult:
    return _send(
        _invitees(meeting),
        actor,
        "meetings.cancelled",
        f"Cancelled: {meeting.title}",
        f"The meeting on {_when(meeting)} is cancelled.",
        meeting_path(meeting),
    )


def minutes_approved(meeting: Meeting, actor: Any) -> NotifyResult:
    return _send(
        _invitees(meeting),
        actor,
        "meetings.minutes_approved",
        f"Minutes approved: {meeting.title}",
        f"The minutes of the meeting on {_when(meeting)} are approved.",
        meeting_path(meeting, "#minutes"),
    )


def action_owners(items: list[ActionItem]) -> dict[int, list[User]]:
    """The people answerable for each item: its owner, or the active members of its delegation
    (two queries for any number of items)."""
    user_ids = {item.owner_user_id for item in items if item.owner_user_id}
    countries = {
        item.owner_country for item in items if not item.owner_user_id and item.owner_country
    }
    users = (
        {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
        if user_ids
        else {}
    )
    delegations: dict[str, list[User]] = {}
    if countries:
        for user in db.session.scalars(
            select(User).where(
                User.country_code.in_(countries),
                User.role != "guest",
                User.is_active_account,
            )
        ):
            delegations.setdefault(user.country_code or "", []).append(user)
    return {
        item.id: (
            [users[item.owner_user_id]]
            if item.owner_user_id in users
            else delegations.get(item.owner_country or "", [])
        )
        for item in items
    }


def action_assigned(item: ActionItem, actor: Any) -> NotifyResult:
    due = f" Due {item.due_on.isoformat()}." if item.due_on else ""
    return _send(
        action_owners([item])[item.id],
        actor,
        "meetings.action_assigned",
        f"Action item for you: {item.title}",
        f"From the meeting “{item.meeting.title}”.{due}",
        url_for("meetings.my_actions"),
    )


# --- scheduled jobs -------------------------------------------------------------------------


def reminder_hours() -> float:
    try:
        hours = float(setting("meetings", "reminder_hours"))
    except (TypeError, ValueError):
        return DEFAULT_REMINDER_HOURS
    return hours if hours > 0 else DEFAULT_REMINDER_HOURS


def send_reminders() -> int:
    """Remind each invitee who has not declined, once, when the meeting is within the lead time.

    The row is claimed (reminded_at set) in the same commit that precedes the notification, so a
    second run, on this host or another, finds nothing left to do."""
    now = utcnow()
    horizon = now + timedelta(hours=reminder_hours())
    rows = db.session.scalars(
        select(Participant)
        .join(Participant.meeting)
        .where(
            Meeting.start_at > now,
            Meeting.start_at <= horizon,
            Meeting.status != "cancelled",
            Participant.reminded_at.is_(None),
            or_(Participant.response.is_(None), Participant.response != "not-attending"),
        )
        .options(joinedload(Participant.meeting), joinedload(Participant.user))
        .with_for_update(skip_locked=True, of=Participant)
    ).all()
    by_meeting: dict[int, list[Participant]] = {}
    for row in rows:
        row.reminded_at = now
        by_meeting.setdefault(row.meeting_id, []).append(row)
    db.session.commit()
    for participants in by_meeting.values():
        meeting = participants[0].meeting
        where = meeting.venue or meeting.online_url
        notify(
            [p.user for p in participants],
            "meetings.reminder",
            f"Reminder: {meeting.title}",
            f"{_when(meeting)}" + (f", {where}" if where else "") + ".",
            meeting_path(meeting),
        )
    return len(rows)


def send_overdue() -> int:
    """Tell the owners of each open item past its due date, and the secretariat, once."""
    today = utcnow().date()
    items = db.session.scalars(
        select(ActionItem)
        .where(
            ActionItem.status == "open",
            ActionItem.due_on < today,
            ActionItem.overdue_notified_at.is_(None),
        )
        .options(joinedload(ActionItem.meeting), joinedload(ActionItem.owner_user))
        .with_for_update(skip_locked=True, of=ActionItem)
    ).all()
    if not items:
        return 0
    for item in items:
        item.overdue_notified_at = utcnow()
    db.session.commit()
    owners = action_owners(list(items))
    secretariat = list(
        db.session.scalars(select(User).where(User.role == "secretariat", User.is_active_account))
    )
    for item in items:
        notify(
            {user.id: user for user in [*owners[item.id], *secretariat]}.values(),
            "meetings.action_overdue",
            f"Overdue action item: {item.title}",
            f"Due {item.due_on.isoformat() if item.due_on else ''}; owner: {item.owner_label}. "
            f"From the meeting “{item.meeting.title}”.",
            meeting_path(item.meeting, "#actions"),
        )
    return len(items)
