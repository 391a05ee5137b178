"""Dates for tests relative to today, on a working day that is no public holiday."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

# Holidays most member states share; enough to keep meetings in tests off them.
SHARED_HOLIDAYS = {(1, 1), (5, 1), (12, 24), (12, 25), (12, 26), (12, 31)}


def working_day(offset_days: int) -> date:
    """The first Tuesday to Thursday from `offset_days` after today, moving away from today
    so that a past day stays past and a future one future."""
    step = -1 if offset_days < 0 else 1
    day = date.today() + timedelta(days=offset_days)
    while day.weekday() not in (1, 2, 3) or (day.month, day.day) in SHARED_HOLIDAYS:
        day += timedelta(days=step)
    return day


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour))
