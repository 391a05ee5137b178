"""The personal data the meetings plugin keeps about a person: export, erasure, blockers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from intranet.plugin_api import PersonalDataKind, User, anonymise_text, db

from .models import ActionItem, AgendaItem, Decision, FeedToken, Meeting, Minutes, Participant
from .notes import ActionNote


def personal_data(user: User) -> dict[str, Any]:
    def stamp(moment: date | datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    participations = db.session.scalars(
        select(Participant)
        .where(Participant.user_id == user.id)
        .options(joinedload(Participant.meeting))
        .order_by(Participant.id)
    ).all()
    actions = db.session.scalars(
        select(ActionItem)
        .where(ActionItem.owner_user_id == user.id)
        .options(joinedload(ActionItem.meeting))
        .order_by(ActionItem.id)
    ).all()
    created = db.session.execute(
        select(Meeting.title, Meeting.start_at, Meeting.created_at)
        .where(Meeting.created_by_id == user.id)
        .order_by(Meeting.id)
    ).all()
    feed = db.session.get(FeedToken, user.id)
    notes = db.session.scalars(
        select(ActionNote).where(ActionNote.author_id == user.id).order_by(ActionNote.id)
    ).all()
    return {
        "participations": [
            {
                "meeting": p.meeting.title,
                "start": p.meeting.start_at.isoformat(),
                "invited_at": stamp(p.invited_at),
                "response": p.response,
                "responded_at": stamp(p.responded_at),
                "mode": p.mode,
                "attended": p.attended,
            }
            for p in participations
        ],
        "action_items": [
            {
                "meeting": a.meeting.title,
                "title": a.title,
                "due": stamp(a.due_on),
                "status": a.status,
                "created_at": stamp(a.created_at),
                "closed_at": stamp(a.closed_at),
            }
            for a in actions
        ],
        "action_notes": [{"text": n.body, "written_at": stamp(n.created_at)} for n in notes],
        "meetings_created": [
            {"title": title, "start": stamp(start), "created_at": stamp(at)}
            for title, start, at in created
        ],
        "calendar_feed": feed is not None,
        "calendar_feed_created_at": stamp(feed.created_at) if feed else None,
    }


def personal_data_kinds() -> list[PersonalDataKind]:
    return [
        PersonalDataKind(
            "Meeting participation",
            "Invitations to meetings, the answer (attending in person or online, or not), "
            "and attendance as recorded by the secretariat.",
            "As long as the meeting; removed when the account is erased.",
        ),
        PersonalDataKind(
            "Action items",
            "Tasks from meetings assigned to a person, their due date and status, and the "
            "progress notes a person wrote on them.",
            "As long as the meeting; the owner is removed when the account is erased.",
        ),
        PersonalDataKind(
            "Calendar feed",
            "The secret behind a person's personal calendar feed (only its digest is kept).",
            "Until the person renews or removes it, or the account is erased.",
        ),
    ]


def erase_personal_data(user: User) -> None:
    """Invitations and answers (RSVPs) and the calendar feed go. Closed action items stay,
    owned by the anonymised account (open ones block the erasure). Where the agenda, minutes
    and decisions name the person, "Former member" stands instead."""
    db.session.execute(delete(Participant).where(Participant.user_id == user.id))
    db.session.execute(delete(FeedToken).where(FeedToken.user_id == user.id))
    for column in (AgendaItem.presenter, Minutes.body, Decision.text, ActionNote.body):
        anonymise_text(column, user)


def erasure_blockers(users: list[User]) -> dict[int, list[str]]:
    items = db.session.execute(
        select(ActionItem.owner_user_id, ActionItem.title, Meeting.title)
        .join(Meeting, Meeting.id == ActionItem.meeting_id)
        .where(
            ActionItem.owner_user_id.in_([user.id for user in users]),
            ActionItem.status == "open",
        )
        .order_by(ActionItem.due_on, ActionItem.id)
    )
    found: dict[int, list[str]] = {}
    for owner_id, item, meeting in items:
        found.setdefault(owner_id, []).append(
            f"Owner of the open action item “{item}” ({meeting}): mark it done or dropped, "
            "or have the secretariat give it to someone else."
        )
    return found
