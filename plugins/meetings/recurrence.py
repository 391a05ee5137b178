"""Repeat rules as people choose and read them: the form's choices become an RRULE on the
server, and any stored RRULE reads as a sentence ("Every 6 months, 4 times, until June 2028").
Nobody types or reads the rule itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import holidays
from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrulestr

from .calendar import rule_fault, rule_starts

FREQUENCIES = {"never": "Never", "daily": "Daily", "weekly": "Weekly", "monthly": "Monthly"}
FREQUENCIES |= {"yearly": "Yearly"}
RULE_FREQ = {"daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY", "yearly": "YEARLY"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
UNITS = {DAILY: "day", WEEKLY: "week", MONTHLY: "month", YEARLY: "year"}
ADVERBS = {DAILY: "Daily", WEEKLY: "Weekly", MONTHLY: "Monthly", YEARLY: "Yearly"}


@dataclass
class Recurrence:
    """The repeat choices of the meeting form."""

    frequency: str = "never"
    interval: int = 1
    weekdays: list[int] = field(default_factory=list)  # 0 = Monday
    monthly_by: str = "date"  # "date": the same day of the month; "weekday": "2nd Tuesday"
    ends: str = "count"  # "count": after `count` meetings; "until": on the date `until`
    count: int | None = None
    until: date | None = None


def week_of_month(day: date) -> int:
    """Which occurrence of its weekday `day` is in its month: 1 to 5, or -1 for the last one
    when it is the fifth (there is not always a fifth)."""
    position = (day.day - 1) // 7 + 1
    return -1 if position == 5 else position


def build_rule(choice: Recurrence, start: datetime) -> str | None:
    """The RRULE for the choices, starting at `start` (local); None for a single meeting."""
    if choice.frequency not in RULE_FREQ:
        return None
    parts = [f"FREQ={RULE_FREQ[choice.frequency]}"]
    if choice.interval > 1:
        parts.append(f"INTERVAL={choice.interval}")
    days = sorted(set(choice.weekdays))
    if choice.frequency == "weekly" and days and days != [start.weekday()]:
        parts.append("BYDAY=" + ",".join(DAY_CODES[day] for day in days))
    if choice.frequency == "monthly" and choice.monthly_by == "weekday":
        parts.append(f"BYDAY={week_of_month(start.date())}{DAY_CODES[start.weekday()]}")
    if choice.ends == "until" and choice.until is not None:
        parts.append(f"UNTIL={choice.until:%Y%m%d}T235959")
    else:
        parts.append(f"COUNT={choice.count or 1}")
    return ";".join(parts)


def read_rule(rule: str | None, start: datetime) -> Recurrence | None:
    """The form's choices for a stored rule, or None when the form cannot show it (a rule
    written by hand before the picker, e.g. with BYMONTH); a single meeting is "never"."""
    if not rule:
        return Recurrence()
    if rule_fault(rule, start) is not None:
        return None
    parsed = rrulestr(rule, dtstart=start)
    parts = dict(part.partition("=")[::2] for part in rule.upper().split(";"))
    if parts.keys() - {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "WKST"}:
        return None
    choice = Recurrence(
        frequency={v: k for k, v in RULE_FREQ.items()}[parts["FREQ"]],
        interval=parsed._interval,
        count=parsed._count,
        ends="count" if parsed._count else "until",
        until=parsed._until.date() if parsed._until else None,
    )
    if choice.frequency == "weekly" and "BYDAY" in parts:
        choice.weekdays = sorted(parsed._byweekday or ())
    elif "BYDAY" in parts:
        same_weekday = f"{week_of_month(start.date())}{DAY_CODES[start.weekday()]}"
        if choice.frequency != "monthly" or parts["BYDAY"] != same_weekday:
            return None
        choice.monthly_by = "weekday"
    return choice


def _day_list(days: list[str]) -> str:
    return days[0] if len(days) == 1 else ", ".join(days[:-1]) + " and " + days[-1]


def _count_phrase(count: int) -> str:
    return "once" if count == 1 else "twice" if count == 2 else f"{count} times"


def describe(rule: str | None, start: datetime) -> str:
    """The rule as a sentence, e.g. "Every 6 months, 4 times, until June 2028" or "Weekly on
    Tuesday and Thursday, 10 times, until 12 March 2027". "Does not repeat" for none."""
    if not rule:
        return "Does not repeat"
    if rule_fault(rule, start) is not None:
        return "Once (its stored repeat rule cannot be used)"
    parsed = rrulestr(rule, dtstart=start)
    unit = UNITS[parsed._freq]
    if parsed._interval > 1:
        words = [f"Every {parsed._interval} {unit}s"]
    else:
        words = [ADVERBS[parsed._freq]]
    if parsed._freq == WEEKLY and parsed._byweekday:
        words[0] += " on " + _day_list([WEEKDAYS[day] for day in sorted(parsed._byweekday)])
    if parsed._bynweekday:
        day, position = parsed._bynweekday[0]
        words[0] += f" on the {ORDINALS.get(position, str(position))} {WEEKDAYS[day]}"
    starts = rule_starts(rule, start)
    words.append(_count_phrase(len(starts)))
    last = starts[-1]
    if parsed._freq in (MONTHLY, YEARLY) and not parsed._bynweekday:
        words.append(f"until {last:%B %Y}")
    else:
        words.append(f"until {last.day} {last:%B %Y}")
    return ", ".join(words)


WEEKEND = (5, 6)


def weekend_starts(starts: list[datetime]) -> list[datetime]:
    """The occurrences that fall on a Saturday or a Sunday."""
    return [moment for moment in starts if moment.weekday() in WEEKEND]


def awkward_starts(starts: list[datetime], country: str | None) -> dict[datetime, str]:
    """The occurrences that fall on a weekend or on a public holiday of the host `country`
    (from the maintained `holidays` calendars, in English), each with why: "weekend" or the
    holiday's name."""
    days: dict[date, str] = {}
    if country and starts:
        try:
            days = holidays.country_holidays(
                country, years={moment.year for moment in starts}, language="en_US"
            )
        except NotImplementedError:  # a country the calendars do not know
            days = {}
    flagged = {}
    for moment in starts:
        if moment.weekday() in WEEKEND:
            flagged[moment] = "weekend"
        elif moment.date() in days:
            flagged[moment] = f"{days[moment.date()]}, a public holiday"
    return flagged
