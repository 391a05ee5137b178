"""What the meetings plugin contributes to the core's pages: profile, search, reports, data."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import url_for
from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload

from intranet.plugin_api import (
    GrantableResource,
    PersonalDataKind,
    ProfileSection,
    ReportSection,
    ResourceRef,
    ScheduledJob,
    SearchResult,
    Setting,
    User,
    anonymise_text,
    db,
    utcnow,
)
from plugins.meetings import notices
from plugins.meetings import search as full_text
from plugins.meetings.models import (
    ActionItem,
    AgendaItem,
    Decision,
    FeedToken,
    Meeting,
    Minutes,
    Participant,
    Series,
)
from plugins.meetings.views import may_view, visible, when


def profile_sections(member: User, viewer: User) -> list[ProfileSection]:
    upcoming = db.session.scalars(
        select(Meeting)
        .join(Participant)
        .where(
            Participant.user_id == member.id,
            Participant.response == "attending",
            Meeting.last_end_at >= utcnow(),
        )
        .order_by(Meeting.start_at)
        .limit(10)
    ).all()
    items = [
        (
            f"{meeting.title}, {when(meeting.start_at, viewer.timezone)}",
            url_for("meetings.show", meeting_id=meeting.id),
        )
        for meeting in visible(viewer, list(upcoming))
    ]
    return [ProfileSection("Upcoming meetings", items, "No upcoming meetings.", order=40)]


def resource_sections(resource: ResourceRef, viewer: User) -> list[ProfileSection]:
    """A sub-group's page lists the group's upcoming meetings (one query)."""
    if resource.kind != "subgroups.group":
        return []
    upcoming = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.owner_kind == resource.kind,
            Meeting.owner_id == resource.id,
            Meeting.last_end_at >= utcnow(),
            Meeting.status != "cancelled",
        )
        .order_by(Meeting.start_at)
        .limit(20)
    ).all()
    items = [
        (
            f"{meeting.title}, {when(meeting.start_at, viewer.timezone)}",
            url_for("meetings.show", meeting_id=meeting.id),
        )
        for meeting in visible(viewer, list(upcoming))
    ]
    return [ProfileSection("Upcoming meetings", items, "No upcoming meetings.", order=40)]


def search(query: str, user: User, limit: int) -> list[SearchResult]:
    return full_text.search(query, user, limit, may_view)


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time.min, tzinfo=UTC),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC),
    )


def report_sections(start: date, end: date, user: User) -> list[ReportSection]:
    since, until = period_bounds(start, end)
    held = visible(
        user,
        list(
            db.session.scalars(
                select(Meeting)
                .where(
                    Meeting.start_at >= since,
                    Meeting.start_at < until,
                    Meeting.start_at < utcnow(),
                    Meeting.status != "cancelled",
                )
                .options(joinedload(Meeting.participants).joinedload(Participant.user))
                .order_by(Meeting.start_at)
            ).unique()
        ),
    )
    held_ids = [meeting.id for meeting in held]
    attendance: Counter[str] = Counter(
        participant.user.country_code or "-"
        for meeting in held
        for participant in meeting.participants
        if participant.attended
    )
    decisions = db.session.scalars(
        select(Decision).where(Decision.meeting_id.in_(held_ids)).order_by(Decision.id)
    ).all()
    opened = db.session.scalar(
        select(db.func.count(ActionItem.id)).where(
            ActionItem.created_at >= since, ActionItem.created_at < until
        )
    )
    closed = db.session.scalar(
        select(db.func.count(ActionItem.id)).where(
            ActionItem.closed_at >= since, ActionItem.closed_at < until, ActionItem.status == "done"
        )
    )
    titles = {meeting.id: meeting.title for meeting in held}
    return [
        ReportSection(
            "Meetings held",
            f"{len(held)} meeting(s) in the period.",
            ["Date", "Meeting", "Kind", "Host"],
            [
                [m.local_start.date().isoformat(), m.title, m.kind_label, m.host_country or ""]
                for m in held
            ],
            order=40,
        ),
        ReportSection(
            "Attendance by country",
            f"{sum(attendance.values())} recorded attendance(s).",
            ["Country", "Attendances"],
            [[country, str(n)] for country, n in sorted(attendance.items())],
            order=41,
        ),
        ReportSection(
            "Decisions",
            f"{len(decisions)} decision(s).",
            ["Meeting", "Reference", "Decision"],
            [[titles[d.meeting_id], d.reference, d.text] for d in decisions],
            order=42,
        ),
        ReportSection(
            "Action items",
            f"{opened} opened, {closed} done in the period.",
            ["Opened", "Done"],
            [[str(opened), str(closed)]],
            order=43,
        ),
    ]


def grantable_resources(user: User) -> list[GrantableResource]:
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.last_end_at >= utcnow() - timedelta(days=365))
        .order_by(Meeting.start_at)
    ).all()
    resources = [
        GrantableResource(
            ResourceRef("meetings.meeting", meeting.id),
            f"Meeting: {meeting.title} ({meeting.local_start.date().isoformat()})",
            url_for("meetings.show", meeting_id=meeting.id),
        )
        for meeting in visible(user, list(meetings))
    ]
    for series in db.session.scalars(select(Series).order_by(Series.title)):
        resources.append(
            GrantableResource(
                ResourceRef("meetings.series", series.id), f"Meeting series: {series.title}"
            )
        )
    return resources


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
            "Tasks from meetings assigned to a person, their due date and status.",
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
    for column in (AgendaItem.presenter, Minutes.body, Decision.text):
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


def mark_held() -> int:
    """Single meetings that ended more than a day ago and were not cancelled are held."""
    result = db.session.execute(
        update(Meeting)
        .where(
            Meeting.status.in_(("planned", "confirmed")),
            Meeting.rrule.is_(None),
            Meeting.end_at < utcnow() - timedelta(days=1),
        )
        .values(status="held")
    )
    db.session.commit()
    return result.rowcount


def scheduled_jobs() -> list[ScheduledJob]:
    return [
        ScheduledJob("meetings.mark-held", 60, mark_held),
        ScheduledJob("meetings.reminders", 15, notices.send_reminders),
        ScheduledJob("meetings.overdue-actions", 24 * 60, notices.send_overdue),
    ]


def settings_schema() -> list[Setting]:
    return [
        Setting(
            "reminder_hours",
            "Reminder lead time (hours)",
            "int",
            notices.DEFAULT_REMINDER_HOURS,
            "How long before a meeting its invitees are reminded of it.",
            minimum=1,
            maximum=24 * 14,
        )
    ]
