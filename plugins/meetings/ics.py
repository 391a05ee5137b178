"""iCalendar (RFC 5545) output for one meeting or a personal feed.

Imported only when a calendar is served: icalendar costs a starting worker about 90 ms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import cache

from icalendar import Calendar, Event, Timezone, vCalAddress, vRecur, vText

from intranet.plugin_api import utcnow

from .calendar import Occurrence, rule_fault, rule_problem, rule_starts, series_occurrences
from .models import Meeting

ICS_STATUS = {"planned": "TENTATIVE", "confirmed": "CONFIRMED", "held": "CONFIRMED"}


def ics_status(status: str) -> str:
    return "CANCELLED" if status == "cancelled" else ICS_STATUS[status]


def _event(
    meeting: Meeting, host: str, url: str, start: datetime, end: datetime, location: str
) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@{host}")
    event.add("dtstamp", utcnow())
    event.add("sequence", meeting.sequence or 0)
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
    rule = bounded_rule(meeting)
    if rule is None:
        return [master]
    master.add("rrule", rule)
    local_time = meeting.local_start.time()
    for day in exception_days(meeting):
        master.add("exdate", datetime.combine(day, local_time, tzinfo=meeting.zone))
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


def bounded_rule(meeting: Meeting) -> vRecur | None:
    """The series' RRULE as the pages expand it: None for a rule they cannot use (stored before
    rules were checked), which the calendar then shows as its first occurrence only, and a
    COUNT of the occurrences the pages show for one that goes past their bounds."""
    start = meeting.local_start.replace(tzinfo=None)
    if rule_fault(meeting.rrule, start) is not None:
        return None
    rule = vRecur.from_ical(meeting.rrule)
    if rule_problem(meeting.rrule, start) is not None:
        rule.pop("UNTIL", None)
        rule["COUNT"] = len(rule_starts(meeting.rrule, start))
    return rule


def exception_days(meeting: Meeting) -> list[date]:
    """The skipped dates of a series that are dates at all."""
    days = []
    for text in meeting.exdates or []:
        try:
            days.append(date.fromisoformat(text))
        except (TypeError, ValueError):
            continue
    return days


def new_calendar(method: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//CBSS Task Force intranet//meetings//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    return cal


def with_timezones(cal: Calendar) -> bytes:
    """The calendar with the VTIMEZONEs its events name, first (as icalendar's own helper
    puts them)."""
    cal.subcomponents[:0] = [
        zone for tzid in sorted(cal.get_missing_tzids()) if (zone := vtimezone(tzid)) is not None
    ]
    return cal.to_ical()


def calendar(
    meetings: Iterable[Meeting],
    host: str,
    name: str,
    url: Callable[[Meeting, date | None], str],
) -> bytes:
    """A METHOD:PUBLISH calendar of the meetings with the time zones they use; `url` gives the
    address of a meeting (day None) or of one of its occurrences."""
    cal = new_calendar("PUBLISH")
    # A property icalendar does not know is written as is: as TEXT it is escaped (RFC 5545
    # 3.3.11), so a line break in a meeting's title cannot break the calendar.
    cal.add("x-wr-calname", vText(name))
    for meeting in meetings:
        for event in meeting_events(meeting, host, url):
            cal.add_component(event)
    return with_timezones(cal)


def invitation(
    meeting: Meeting,
    host: str,
    url: Callable[[Meeting, date | None], str],
    *,
    organizer: tuple[str, str],
    attendee: tuple[str, str],
    cancel: Occurrence | bool | None = None,
) -> bytes:
    """An iTIP message (RFC 5546) for one invitee: METHOD:REQUEST with the meeting (a series
    with its changed occurrences), which a mail client adds to the calendar or, with the same
    UID and a higher SEQUENCE, updates; METHOD:CANCEL for the whole meeting (`cancel` True) or
    one occurrence of a series (`cancel` that occurrence)."""
    cal = new_calendar("CANCEL" if cancel else "REQUEST")
    events = meeting_events(meeting, host, url)
    if isinstance(cancel, Occurrence):
        events = [
            _event(
                meeting,
                host,
                url(meeting, cancel.day),
                cancel.start_at,
                cancel.end_at,
                location(cancel.venue, cancel.online_url),
            )
        ]
        events[0].add("recurrence-id", cancel.scheduled_start)
    for event in events:
        if cancel:
            event.pop("status", None)
            event.add("status", "CANCELLED")
        event.add(
            "organizer", vCalAddress(f"mailto:{organizer[0]}"), parameters={"cn": organizer[1]}
        )
        event.add(
            "attendee",
            vCalAddress(f"mailto:{attendee[0]}"),
            parameters={"cn": attendee[1], "role": "REQ-PARTICIPANT", "rsvp": "FALSE"},
        )
        cal.add_component(event)
    return with_timezones(cal)


@cache
def vtimezone(tzid: str) -> Timezone | None:
    """The VTIMEZONE of a time zone (its rules from 1970 to 2038), built once per process:
    building them took a third of the time of a personal feed. None for an unknown zone."""
    try:
        return Timezone.from_tzid(tzid)
    except ValueError:
        return None
