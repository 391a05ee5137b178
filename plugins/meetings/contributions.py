"""What the meetings plugin contributes to the core's pages: profile and sub-group sections,
search, the activity report and the resources a guest can be granted."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from intranet.plugin_api import (
    GrantableResource,
    ProfileSection,
    ReportSection,
    ResourceRef,
    SearchResult,
    User,
    contains_words,
    country_name,
    db,
    plural,
    utcnow,
)

from . import search as full_text
from .models import ActionItem, Decision, Meeting, Participant, Series
from .rules import visible
from .services import when

MEETING_KIND, SERIES_KIND = "meetings.meeting", "meetings.series"
KINDS = (MEETING_KIND, SERIES_KIND)


def upcoming_section(meetings: list[Meeting], viewer: User) -> list[ProfileSection]:
    """The meetings among `meetings` the viewer may see, as a section of a page."""
    items = [
        (
            f"{meeting.title}, {when(meeting.start_at, viewer.timezone)}",
            url_for("meetings.show", meeting_id=meeting.id),
        )
        for meeting in visible(viewer, meetings)
    ]
    return [ProfileSection("Upcoming meetings", items, "No upcoming meetings.", order=40)]


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
    return upcoming_section(list(upcoming), viewer)


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
    return upcoming_section(list(upcoming), viewer)


def search(query: str, user: User, limit: int) -> list[SearchResult]:
    return full_text.search(query, user, limit)


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
        participant.user.country_code or ""
        for meeting in held
        for participant in meeting.participants
        if participant.attended
    )
    decisions = db.session.scalars(
        select(Decision).where(Decision.meeting_id.in_(held_ids)).order_by(Decision.id)
    ).all()
    # The action items of the meetings held in the period (as the meeting pages list them),
    # and how many of those are done by now.
    opened, closed = db.session.execute(
        select(
            db.func.count(ActionItem.id),
            db.func.count(ActionItem.id).filter(ActionItem.status == "done"),
        ).where(ActionItem.meeting_id.in_(held_ids))
    ).one()
    titles = {meeting.id: meeting.title for meeting in held}
    return [
        ReportSection(
            "Meetings held",
            f"{plural(len(held), 'meeting')} in the period.",
            ["Date", "Meeting", "Kind", "Host"],
            [
                [
                    f"{m.local_start:%d %b %Y}",
                    m.title,
                    m.kind_label,
                    country_name(m.host_country),
                ]
                for m in held
            ],
            order=40,
        ),
        ReportSection(
            "Attendance by country",
            f"{plural(sum(attendance.values()), 'recorded attendance')}.",
            ["Country", "Attendances"],
            sorted(
                [country_name(code) or "No country given", str(n)] for code, n in attendance.items()
            ),
            order=41,
        ),
        ReportSection(
            "Decisions",
            f"{plural(len(decisions), 'decision')}.",
            ["Meeting", "Reference", "Decision"],
            [[titles[d.meeting_id], d.reference, d.text] for d in decisions],
            order=42,
        ),
        ReportSection(
            "Action items",
            f"The meetings held in the period agreed {plural(opened, 'action item')}; "
            f"{closed} of them {'is' if closed == 1 else 'are'} done.",
            ["Agreed", "Done"],
            [[str(opened), str(closed)]] if opened else [],
            order=43,
        ),
    ]


def grantable_resources(
    user: User,
    query: str | None = None,
    refs: set[ResourceRef] | None = None,
    limit: int | None = None,
) -> list[GrantableResource]:
    """Meetings of the last twelve months and upcoming ones that `user` sees, then every
    series: those whose title has the words of `query`, those among `refs`, `limit` at most."""
    meeting_query = select(Meeting).where(
        Meeting.last_end_at >= utcnow() - timedelta(days=365), contains_words(Meeting.title, query)
    )
    series_query = select(Series).where(contains_words(Series.title, query))
    if refs is not None:
        wanted = {kind: [ref.id for ref in refs if ref.kind == kind] for kind in KINDS}
        meeting_query = meeting_query.where(Meeting.id.in_(wanted[MEETING_KIND]))
        series_query = series_query.where(Series.id.in_(wanted[SERIES_KIND]))
    meetings = db.session.scalars(meeting_query.order_by(Meeting.start_at).limit(limit)).all()
    resources = [
        GrantableResource(
            ResourceRef(MEETING_KIND, meeting.id),
            f"Meeting: {meeting.title} ({meeting.local_start.date().isoformat()})",
            url_for("meetings.show", meeting_id=meeting.id),
        )
        for meeting in visible(user, list(meetings))
    ]
    for series in db.session.scalars(series_query.order_by(Series.title).limit(limit)):
        resources.append(
            GrantableResource(
                ResourceRef(SERIES_KIND, series.id), f"Meeting series: {series.title}"
            )
        )
    return resources[:limit]
