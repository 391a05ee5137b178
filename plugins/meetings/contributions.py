"""What the meetings plugin contributes to the core's pages: profile and sub-group sections,
search, the activity report and the resources a guest can be granted."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import url_for
from sqlalchemy import ColumnElement, and_, func, literal_column, select, union_all

from intranet.plugin_api import (
    REPORT_ROWS,
    GrantableResource,
    ProfileSection,
    ReportSection,
    ResourceRef,
    SearchResult,
    User,
    cached_figures,
    contains_words,
    country_name,
    db,
    external_url,
    plural,
    utcnow,
    watch_tables,
)

from . import search as full_text
from .models import ActionItem, Decision, Meeting, Participant, Series
from .rules import visible, visible_filter
from .services import when

# The report's figures follow the meetings, their participants, action items and decisions
# and the participants' countries: counted again after any change to them or once the next meeting
# of the period has begun, not on every view of a draft.
STAMP = "meetings"
watch_tables(STAMP, Meeting, Participant, ActionItem, Decision, User.country_code)

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


def held_in(start: date, end: date) -> ColumnElement[bool]:
    """Meetings held from `start` to `end` (dates, inclusive): begun by now and not cancelled;
    the activity report counts these and the list of meetings filtered to a period shows them."""
    since, until = period_bounds(start, end)
    return and_(
        Meeting.start_at >= since,
        Meeting.start_at < until,
        Meeting.start_at < utcnow(),
        Meeting.status != "cancelled",
    )


def next_held(start: date, end: date, now: datetime) -> datetime | None:
    """When the first meeting of the period not begun at `now` begins, which `held_in` then
    counts: figures about the meetings held by `now` hold until then."""
    since, until = period_bounds(start, end)
    return db.session.scalar(
        select(func.min(Meeting.start_at)).where(
            Meeting.start_at >= max(since, now),
            Meeting.start_at < until,
            Meeting.status != "cancelled",
        )
    )


KIND_NOUNS = {
    "plenary": "plenary",
    "sub-group": "sub-group meeting",
    "expert-workshop": "expert workshop",
    "other": "other meeting",
}


def period_tallies(held: ColumnElement[bool]) -> dict[str, dict[str, int]]:
    """Counts about the meetings `held` selects, in one statement: meetings by "kind",
    recorded attendances by "country" of the participant, action items by "action" status.
    Each part joins the meetings and filters them by `held` itself: an `IN (subquery)` of
    meeting ids hides the range on the start from the planner, which then reads every
    participant and action item of the site."""
    tallies: dict[str, dict[str, int]] = {"kind": {}, "country": {}, "action": {}}
    statement = union_all(
        select(literal_column("'kind'"), Meeting.kind, func.count())
        .where(held)
        .group_by(Meeting.kind),
        select(literal_column("'country'"), func.coalesce(User.country_code, ""), func.count())
        .select_from(Meeting)
        .join(Participant, Participant.meeting_id == Meeting.id)
        .join(User, User.id == Participant.user_id)
        .where(held, Participant.attended.is_(True))
        .group_by(User.country_code),
        select(literal_column("'action'"), ActionItem.status, func.count())
        .select_from(Meeting)
        .join(ActionItem, ActionItem.meeting_id == Meeting.id)
        .where(held)
        .group_by(ActionItem.status),
    )
    for tally, value, count in db.session.execute(statement):
        tallies[tally][value] = count
    return tallies


Decisions = list[tuple[str, str, str, int]]


def period_figures(held: ColumnElement[bool]) -> tuple[dict[str, dict[str, int]], Decisions]:
    """The tallies of the meetings `held` selects and their first REPORT_ROWS decisions, each
    with the number of all of them."""
    decisions = db.session.execute(
        select(Meeting.title, Decision.reference, Decision.text, func.count().over())
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .where(held)
        .order_by(Decision.id)
        .limit(REPORT_ROWS)
    )
    return period_tallies(held), [tuple(row) for row in decisions]


def report_sections(start: date, end: date, user: User) -> list[ReportSection]:
    """Three statements whatever the number of meetings: the figures (the tallies and the
    first decisions, counted once per change to the meetings), the first REPORT_ROWS meetings
    and the stamp; the rest are counted, with a link to the list of them."""
    now = utcnow()  # not later than the "by now" of `held_in`
    held = visible_filter(user, select(Meeting).where(held_in(start, end)))
    if user.is_guest:
        tallies, decisions = period_figures(held.whereclause)
    else:  # what members count is the same for every member
        tallies, decisions = cached_figures(
            STAMP,
            f"report:{start}:{end}",
            lambda: period_figures(held.whereclause),
            until=lambda _: next_held(start, end, now),
        )
    by_kind = sorted(tallies["kind"].items(), key=lambda item: (-item[1], item[0]))
    total = sum(tallies["kind"].values())
    shown = visible(
        user,
        list(db.session.scalars(held.order_by(Meeting.start_at, Meeting.id).limit(REPORT_ROWS))),
    )
    decision_count = decisions[0][3] if decisions else 0
    attendance = tallies["country"]
    # The action items of the meetings held in the period (as the meeting pages list them),
    # and how many of those are done by now.
    closed = tallies["action"].get("done", 0)
    opened = sum(tallies["action"].values())
    kinds = ", ".join(plural(n, KIND_NOUNS.get(kind, kind)) for kind, n in by_kind)
    period = {"from": start.isoformat(), "to": end.isoformat()}
    return [
        ReportSection(
            "Meetings held",
            f"{plural(total, 'meeting')} in the period" + (f": {kinds}." if kinds else "."),
            ["Date", "Meeting", "Kind", "Host"],
            [
                [
                    f"{m.local_start:%d %b %Y}",
                    m.title,
                    m.kind_label,
                    country_name(m.host_country),
                ]
                for m in shown
            ],
            order=40,
            more=total - len(shown),
            more_url=external_url("meetings.index", when="past", **period),
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
            f"{plural(decision_count, 'decision')}.",
            ["Meeting", "Reference", "Decision"],
            [[title, reference, text] for title, reference, text, _ in decisions],
            order=42,
            more=decision_count - len(decisions),
            more_url=external_url(
                "meetings.register", **{"from": period["from"], "to": period["to"]}
            ),
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
    # The earliest to end first, on the index of last_end_at: a limited search stops early
    # instead of reading every meeting since the first one by start.
    found = db.session.scalars(meeting_query.order_by(Meeting.last_end_at, Meeting.id).limit(limit))
    meetings = sorted(found, key=lambda meeting: (meeting.start_at, meeting.id))
    resources = [
        GrantableResource(
            ResourceRef(MEETING_KIND, meeting.id),
            f"Meeting: {meeting.title} ({meeting.local_start.date().isoformat()})",
            url_for("meetings.show", meeting_id=meeting.id),
        )
        for meeting in visible(user, meetings)
    ]
    for series in db.session.scalars(series_query.order_by(Series.title).limit(limit)):
        resources.append(
            GrantableResource(
                ResourceRef(SERIES_KIND, series.id), f"Meeting series: {series.title}"
            )
        )
    return resources[:limit]
