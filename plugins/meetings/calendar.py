"""Series expansion: the occurrences of a meeting, with the changes made to single ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from dateutil.rrule import rrulestr

from .models import STATUSES, Meeting, OccurrenceOverride


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
