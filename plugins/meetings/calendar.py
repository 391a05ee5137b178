"""Series expansion, and iCalendar (RFC 5545) output for one meeting or a personal feed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from dateutil.rrule import rrulestr
from icalendar import Calendar, Event, vRecur

from intranet.plugin_api import utcnow
from plugins.meetings.models import STATUSES, Meeting, OccurrenceOverride

ICS_STATUS = {"planned": "TENTATIVE", "confirmed": "CONFIRMED", "held": "CONFIRMED"}


def occurrences(
    meeting: Meeting, after: datetime | None = None, limit: int = 500
) -> list[datetime]:
    """Local start times of the meeting (one, or each of its series), skipping exception dates.

    The rule is expanded on the wall clock of the meeting's zone, so a weekly 10:00 meeting in
    Riga stays at 10:00 local time across a change to or from summer time. These are the
    times the rule schedules; `series_occurrences` applies the changes to single occurrences.
    """
    start = meeting.local_start
    if not meeting.rrule:
        starts = [start]
    else:
        naive = rrulestr(meeting.rrule, dtstart=start.replace(tzinfo=None))
        skipped = set(meeting.exdates or [])
        starts = [
            moment.replace(tzinfo=meeting.zone)
            for moment in naive.xafter(start.replace(tzinfo=None), count=limit, inc=True)
            if moment.date().isoformat() not in skipped
        ]
    if after is not None:
        starts = [moment for moment in starts if moment >= after]
    return starts


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of a meeting as it will take place, its own changes applied."""

    meeting: Meeting
    day: date  # the local date the series schedules it on: its key
    scheduled_start: datetime  # local time, as the rule has it (the RECURRENCE-ID)
    start_at: datetime  # UTC, as for Meeting
    end_at: datetime
    venue: str
    online_url: str
    cancelled: bool
    override: OccurrenceOverride | None

    @property
    def status(self) -> str:
        return "cancelled" if self.cancelled else self.meeting.status

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def moved(self) -> bool:
        return self.start_at != self.scheduled_start.astimezone(UTC)


def occurrence_at(meeting: Meeting, start: datetime) -> Occurrence:
    """The occurrence the rule schedules at local time `start`, with its override if any."""
    day = start.date()
    override = next((o for o in meeting.overrides if o.occurs_on == day), None)
    start_at = start.astimezone(UTC)
    end_at = start_at + (meeting.end_at - meeting.start_at)
    if override is None:
        return Occurrence(
            meeting,
            day,
            start,
            start_at,
            end_at,
            meeting.venue,
            meeting.online_url,
            meeting.is_cancelled,
            None,
        )
    return Occurrence(
        meeting,
        day,
        start,
        override.start_at or start_at,
        override.end_at or end_at,
        meeting.venue if override.venue is None else override.venue,
        meeting.online_url if override.online_url is None else override.online_url,
        meeting.is_cancelled or override.cancelled,
        override,
    )


def series_occurrences(
    meeting: Meeting, after: datetime | None = None, limit: int = 500
) -> list[Occurrence]:
    """Every occurrence with its changes applied, by the time it really starts; with `after`,
    only those that start then or later."""
    found = [occurrence_at(meeting, start) for start in occurrences(meeting, limit=limit)]
    if after is not None:
        found = [occurrence for occurrence in found if occurrence.start_at >= after]
    return sorted(found, key=lambda occurrence: occurrence.start_at)


def occurrence_on(meeting: Meeting, day: date) -> Occurrence | None:
    """The occurrence the series schedules on local date `day`, or None if there is none."""
    if not meeting.rrule:
        return None
    start = next((moment for moment in occurrences(meeting) if moment.date() == day), None)
    return None if start is None else occurrence_at(meeting, start)


def ics_status(status: str) -> str:
    return "CANCELLED" if status == "cancelled" else ICS_STATUS[status]


def _event(
    meeting: Meeting, host: str, url: str, start: datetime, end: datetime, location: str
) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@{host}")
    event.add("dtstamp", utcnow())
    event.add("dtstart", start.astimezone(meeting.zone))
    event.add("dtend", end.astimezone(meeting.zone))
    event.add("summary", meeting.title)
    if location:
        event.add("location", location)
    event.add("url", url)
    return event


def location(venue: str, online_url: str) -> str:
    return ", ".join(part for part in (venue, online_url) if part)


def meeting_events(
    meeting: Meeting, host: str, url: Callable[[Meeting, date | None], str]
) -> list[Event]:
    """The meeting's VEVENT (with RRULE and EXDATE for a series), then one VEVENT per changed
    occurrence: the same UID and a RECURRENCE-ID naming the start it replaces (RFC 5545 3.8.4.4).
    Changes that no longer fall on the series are left out."""
    master = _event(
        meeting,
        host,
        url(meeting, None),
        meeting.start_at,
        meeting.end_at,
        location(meeting.venue, meeting.online_url),
    )
    master.add("last-modified", meeting.updated_at)
    master.add("status", ics_status(meeting.status))
    if not meeting.rrule:
        return [master]
    master.add("rrule", vRecur.from_ical(meeting.rrule))
    local_time = meeting.local_start.time()
    for day in meeting.exdates or []:
        master.add(
            "exdate", datetime.combine(date.fromisoformat(day), local_time, tzinfo=meeting.zone)
        )
    events = [master]
    for occurrence in series_occurrences(meeting):
        if occurrence.override is None:
            continue
        event = _event(
            meeting,
            host,
            url(meeting, occurrence.day),
            occurrence.start_at,
            occurrence.end_at,
            location(occurrence.venue, occurrence.online_url),
        )
        event.add("recurrence-id", occurrence.scheduled_start)
        event.add("last-modified", max(meeting.updated_at, occurrence.override.updated_at))
        event.add("status", ics_status(occurrence.status))
        events.append(event)
    return events


def calendar(
    meetings: Iterable[Meeting],
    host: str,
    name: str,
    url: Callable[[Meeting, date | None], str],
) -> bytes:
    """A METHOD:PUBLISH calendar of the meetings with the time zones they use; `url` gives the
    address of a meeting (day None) or of one of its occurrences."""
    cal = Calendar()
    cal.add("prodid", "-//CBSS Task Force intranet//meetings//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for meeting in meetings:
        for event in meeting_events(meeting, host, url):
            cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
