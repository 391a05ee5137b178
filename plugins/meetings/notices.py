"""Who is told what about meetings: every notification of the plugin goes through here.

Each function is called after the change is committed, leaves out the person who acted (the
`actor`) and goes through `notify()`, which honours each user's preference; invitations,
changes and cancellations go through `calendar_notice()`, whose mails carry an invite.ics.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from flask import url_for
from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload, selectinload

from intranet.plugin_api import NotifyResult, User, db, notify, setting, utcnow

from .calendar import Occurrence, series_occurrences
from .invitations import calendar_notice
from .models import ActionItem, Meeting, Participant, Reminder
from .notes import ActionNote
from .zones import zone_label

DEFAULT_REMINDER_HOURS = 24


def _send(
    users: Iterable[User],
    actor: Any,
    kind: str,
    title: str,
    text: str,
    url: str,
    reply_target: str = "",
) -> NotifyResult:
    actor_id = getattr(actor, "id", None)
    recipients = [user for user in users if user.id != actor_id]
    return notify(recipients, kind, title, text, url, reply_target=reply_target)


def action_reply_target(item: ActionItem) -> str:
    """What a reply by mail to a mail about `item` answers: a progress note on it."""
    return f"meetings.action_item:{item.id}"


def actions_path(item: ActionItem) -> str:
    """Built by hand, not with url_for: notes may come by mail, outside any request."""
    return f"/meetings/{item.meeting_id}#actions"


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


def _when(meeting: Meeting, start_at: datetime | None = None) -> str:
    """When the meeting (or one of its occurrences, at `start_at`) starts, in its own zone."""
    local = (start_at or meeting.start_at).astimezone(meeting.zone)
    return local.strftime("%a %d %b %Y, %H:%M ") + f"({zone_label(meeting.timezone, local)})"


def occurrence_path(occurrence: Occurrence) -> str:
    meeting = occurrence.meeting
    if not meeting.rrule:
        return meeting_path(meeting)
    return url_for(
        "meetings.show_occurrence", meeting_id=meeting.id, day=occurrence.day.isoformat()
    )


def invited(meeting: Meeting, users: Iterable[User], actor: Any) -> NotifyResult:
    where = meeting.venue or ("online" if meeting.online_url else "")
    text = f"{_when(meeting)}" + (f", {where}" if where else "") + ". Please answer."
    return calendar_notice(
        users,
        actor,
        "meetings.invited",
        f"Invitation: {meeting.title}",
        text,
        meeting_path(meeting),
        meeting,
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
    return calendar_notice(
        _invitees(meeting, declined=False),
        actor,
        "meetings.changed",
        f"Changed: {meeting.title}",
        "\n".join(lines),
        meeting_path(meeting),
        meeting,
    )


def cancelled(meeting: Meeting, actor: Any) -> NotifyResult:
    return calendar_notice(
        _invitees(meeting),
        actor,
        "meetings.cancelled",
        f"Cancelled: {meeting.title}",
        f"The meeting on {_when(meeting)} is cancelled.",
        meeting_path(meeting),
        meeting,
        cancel=True,
    )


def occurrence_changed(
    occurrence: Occurrence, what: list[tuple[str, str]], actor: Any
) -> NotifyResult:
    """One occurrence of a series changed: its invitees (the series') who did not decline."""
    meeting = occurrence.meeting
    lines = [f"{label}: {value}" for label, value in what]
    return calendar_notice(
        _invitees(meeting, declined=False),
        actor,
        "meetings.changed",
        f"Changed: {meeting.title} on {occurrence.day.isoformat()}",
        "Only this occurrence of the series changed.\n" + "\n".join(lines),
        occurrence_path(occurrence),
        meeting,
    )


def occurrence_cancelled(occurrence: Occurrence, actor: Any) -> NotifyResult:
    meeting = occurrence.meeting
    return calendar_notice(
        _invitees(meeting),
        actor,
        "meetings.cancelled",
        f"Cancelled: {meeting.title} on {occurrence.day.isoformat()}",
        f"The meeting on {_when(meeting, occurrence.start_at)} is cancelled; the other "
        "occurrences of the series take place as planned.",
        occurrence_path(occurrence),
        meeting,
        cancel=occurrence,
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
        action_reply_target(item),
    )


def action_noted(item: ActionItem, note: ActionNote, actor: User) -> NotifyResult:
    """A progress note reaches the item's owners and the secretariat."""
    return _send(
        [*action_owners([item])[item.id], *secretariat()],
        actor,
        "meetings.action_noted",
        f"Progress on the action item: {item.title}",
        f"{actor.name} wrote: {note.body}",
        actions_path(item),
        action_reply_target(item),
    )


def secretariat() -> list[User]:
    return list(
        db.session.scalars(select(User).where(User.role == "secretariat", User.is_active_account))
    )


# --- scheduled jobs -------------------------------------------------------------------------


def reminder_hours() -> float:
    try:
        hours = float(setting("meetings", "reminder_hours"))
    except (TypeError, ValueError):
        return DEFAULT_REMINDER_HOURS
    return hours if hours > 0 else DEFAULT_REMINDER_HOURS


def send_reminders() -> int:
    """Remind each invitee who has not declined, once per occurrence, when it is within the
    lead time: a single meeting, and every occurrence of a series as its turn comes (at its
    own time when it was moved; never one that is cancelled).

    Each reminder is claimed by inserting its row (participant, start) before anything is
    sent; a row that exists already is skipped, so a second run, on this host or another,
    finds nothing left to do. Returns the number of reminders sent."""
    now = utcnow()
    horizon = now + timedelta(hours=reminder_hours())
    meetings = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.status != "cancelled",
            Meeting.last_end_at > now,
            or_(Meeting.rrule.is_not(None), Meeting.start_at <= horizon),
        )
        .options(
            selectinload(Meeting.overrides),
            selectinload(Meeting.participants).joinedload(Participant.user),
        )
    ).all()
    due = [
        occurrence
        for meeting in meetings
        for occurrence in series_occurrences(meeting, after=now)
        if occurrence.start_at <= horizon and occurrence.start_at > now and not occurrence.cancelled
    ]
    wanted = [
        (participant, occurrence)
        for occurrence in due
        for participant in occurrence.meeting.participants
        if participant.response != "not-attending"
    ]
    if not wanted:
        return 0
    claimed = _claim(
        [{"participant_id": p.id, "starts_at": o.start_at, "sent_at": now} for p, o in wanted]
    )
    db.session.commit()
    sent = 0
    for occurrence in due:
        users = [
            participant.user
            for participant, of in wanted
            if of is occurrence and (participant.id, occurrence.start_at) in claimed
        ]
        if not users:
            continue
        where = occurrence.venue or occurrence.online_url
        notify(
            users,
            "meetings.reminder",
            f"Reminder: {occurrence.meeting.title}",
            _when(occurrence.meeting, occurrence.start_at) + (f", {where}" if where else "") + ".",
            occurrence_path(occurrence),
        )
        sent += len(users)
    return sent


def _claim(rows: list[dict[str, Any]]) -> set[tuple[int, datetime]]:
    """Insert the reminder rows that do not exist yet; returns the keys this call inserted."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(Reminder)
        .values(rows)
        .on_conflict_do_nothing()
        .returning(Reminder.participant_id, Reminder.starts_at)
    )
    return {(row.participant_id, row.starts_at) for row in db.session.execute(statement)}


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
    staff = secretariat()
    for item in items:
        notify(
            {user.id: user for user in [*owners[item.id], *staff]}.values(),
            "meetings.action_overdue",
            f"Overdue action item: {item.title}",
            f"Due {item.due_on.isoformat() if item.due_on else ''}; owner: {item.owner_label}. "
            f"From the meeting “{item.meeting.title}”.",
            meeting_path(item.meeting, "#actions"),
            reply_target=action_reply_target(item),
        )
    return len(items)
