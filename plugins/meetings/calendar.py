"""iCalendar (RFC 5545) output for one meeting or a personal feed, and series expansion."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from dateutil.rrule import rrulestr
from icalendar import Calendar, Event, vRecur

from intranet.plugin_api import utcnow
from plugins.meetings.models import Meeting

ICS_STATUS = {"planned": "TENTATIVE", "confirmed": "CONFIRMED", "held": "CONFIRMED"}


def occurrences(
    meeting: Meeting, after: datetime | None = None, limit: int = 500
) -> list[datetime]:
    """Local start times of the meeting (one, or each of its series), skipping exception dates.

    The rule is expanded on the wall clock of the meeting's zone, so a weekly 10:00 meeting in
    Riga stays at 10:00 local time across a change to or from summer time.
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


def next_start(meeting: Meeting, now: datetime) -> datetime | None:
    upcoming = occurrences(meeting, after=now, limit=500)
    return upcoming[0] if upcoming else None


def meeting_event(meeting: Meeting, host: str, url: str) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@{host}")
    event.add("dtstamp", utcnow())
    event.add("last-modified", meeting.updated_at)
    event.add("dtstart", meeting.local_start)
    event.add("dtend", meeting.local_end)
    event.add("summary", meeting.title)
    location = ", ".join(part for part in (meeting.venue, meeting.online_url) if part)
    if location:
        event.add("location", location)
    event.add("url", url)
    event.add("status", "CANCELLED" if meeting.is_cancelled else ICS_STATUS[meeting.status])
    if meeting.rrule:
        event.add("rrule", vRecur.from_ical(meeting.rrule))
        local_time = meeting.local_start.time()
        for day in meeting.exdates or []:
            event.add(
                "exdate",
                datetime.combine(date.fromisoformat(day), local_time, tzinfo=meeting.zone),
            )
    return event


def calendar(meetings: Iterable[tuple[Meeting, str]], host: str, name: str) -> bytes:
    """A METHOD:PUBLISH calendar of `(meeting, url)` pairs with the time zones they use."""
    cal = Calendar()
    cal.add("prodid", "-//CBSS Task Force intranet//meetings//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for meeting, url in meetings:
        cal.add_component(meeting_event(meeting, host, url))
    cal.add_missing_timezones()
    return cal.to_ical()
