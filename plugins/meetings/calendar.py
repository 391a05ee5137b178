"""Series expansion: the occurrences of a meeting, with the changes made to single ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import islice

from dateutil.rrule import MONTHLY, rrule, rrulestr

from .models import STATUSES, Meeting, OccurrenceOverride

# A series has at most this many occurrences, none starting after LAST_START: whatever a rule
# says, even one stored before rules were checked, expanding it stays cheap.
MAX_OCCURRENCES = 200
FIRST_START = datetime(1900, 1, 1)
LAST_START = datetime(2100, 12, 31, 23, 59)
SUB_DAILY = {"SECONDLY", "MINUTELY", "HOURLY"}
RULE_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS"}
RULE_PARTS |= {"WKST"}
LONGEST_MONTH = dict(enumerate((31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), start=1))


def rule_fault(rule: str, start: datetime) -> str | None:
    """What makes a repeat rule unusable for a series starting at `start` (local, naive), found
    without expanding it: a sub-daily frequency, a part the form does not offer, no end, a day
    no month has. None for a usable rule."""
    if not FIRST_START <= start <= LAST_START:
        return f"A series starts between {FIRST_START.year} and {LAST_START.year}."
    parts = dict(part.partition("=")[::2] for part in rule.upper().split(";"))
    if parts.get("FREQ") in SUB_DAILY:
        return "A meeting repeats at most daily: use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY."
    unknown = sorted(set(parts) - RULE_PARTS)
    if unknown:
        return f"{', '.join(unknown)} cannot be used here; use FREQ, INTERVAL, COUNT, UNTIL and BY…"
    if not parts.keys() & {"COUNT", "UNTIL"}:
        return "A repeating meeting needs an end: add COUNT=… or UNTIL=…."
    try:
        parsed = rrulestr(rule, dtstart=start)
    except (ValueError, TypeError, OverflowError) as error:
        return f"This is not a valid RRULE: {error}."
    if not isinstance(parsed, rrule):
        return "Give one RRULE only."
    if any(abs(position) > 5 for position in parsed._bysetpos or ()):
        return "BYSETPOS counts up to five, e.g. BYSETPOS=-1 for the last one."
    months = set(parsed._bymonth or LONGEST_MONTH)
    if parsed._freq == MONTHLY:  # e.g. INTERVAL=12 only ever visits the starting month
        months &= {(start.month - 1 + k * parsed._interval) % 12 + 1 for k in range(12)}
    days = parsed._bymonthday + parsed._bynmonthday
    if not months or (days and not any(abs(d) <= LONGEST_MONTH[m] for d in days for m in months)):
        return "No month the series visits has that day: check BYMONTHDAY, BYMONTH, INTERVAL."
    return None


def rule_problem(rule: str, start: datetime) -> str | None:
    """What the meeting form refuses in a repeat rule: a fault, more than MAX_OCCURRENCES
    occurrences, one after LAST_START, or none at all. None for an acceptable rule."""
    fault = rule_fault(rule, start)
    if fault is not None:
        return fault
    starts = list(islice(rrulestr(rule, dtstart=start), MAX_OCCURRENCES + 1))
    if len(starts) > MAX_OCCURRENCES:
        return (
            f"A series has at most {MAX_OCCURRENCES} occurrences: lower COUNT or bring UNTIL "
            "closer."
        )
    if starts and starts[-1] > LAST_START:
        return f"A series ends by {LAST_START.year} at the latest: lower COUNT or UNTIL."
    if not starts:
        return "This rule schedules no meeting at all: check it against the start."
    return None


def rule_starts(rule: str, start: datetime, limit: int = MAX_OCCURRENCES) -> list[datetime]:
    """The naive local starts `rule` schedules from `start`: at most `limit`, never more than
    MAX_OCCURRENCES, none after LAST_START; only `start` for an unusable rule."""
    if rule_fault(rule, start) is not None:
        return [start]
    starts = []
    for moment in rrulestr(rule, dtstart=start):
        if moment > LAST_START or len(starts) >= min(limit, MAX_OCCURRENCES):
            break
        starts.append(moment)
    return starts


def occurrences(
    meeting: Meeting, after: datetime | None = None, limit: int = MAX_OCCURRENCES
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
        skipped = set(meeting.exdates or [])
        starts = [
            moment.replace(tzinfo=meeting.zone)
            for moment in rule_starts(meeting.rrule, start.replace(tzinfo=None), limit)
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
    meeting: Meeting, after: datetime | None = None, limit: int = MAX_OCCURRENCES
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
