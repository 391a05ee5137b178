"""Chairmanship years and mandate periods: who chairs on a day, rotation, overlaps."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask import g
from flask_login import current_user
from sqlalchemy import column, select, table
from sqlalchemy.orm import joinedload

from intranet.plugin_api import User, db, time_zone

from . import settings
from .models import ChairPeriod, MandatePeriod

# The core's country list, read by name so the plugin needs nothing beyond the public API.
country_table = table("country", column("code"), column("name"))


def chair_year(start_year: int) -> tuple[date, date]:
    """The chairmanship year starting on 1 July of `start_year`."""
    return date(start_year, 7, 1), date(start_year + 1, 6, 30)


def year_of(day: date) -> int:
    """The year in which the chairmanship year containing `day` started."""
    return day.year if day.month >= 7 else day.year - 1


def chair_period_on(day: date) -> ChairPeriod | None:
    return db.session.scalar(
        select(ChairPeriod).where(ChairPeriod.start <= day, ChairPeriod.end >= day)
    )


def local_today() -> date:
    """Today in the signed-in user's time zone (UTC otherwise)."""
    return datetime.now(time_zone(getattr(current_user, "timezone", None))).date()


def current_chair_period(today: date | None = None) -> ChairPeriod | None:
    """The period in force today; cached for the request (the permission hook asks often)."""
    if today is not None:
        return chair_period_on(today)
    if "governance_chair" not in g:
        g.governance_chair = chair_period_on(local_today())
    return g.governance_chair


def is_chair(user: User, today: date | None = None) -> bool:
    period = current_chair_period(today)
    return period is not None and any(person.id == user.id for person in period.chairpersons)


def day_after(day: date) -> date | None:
    """The next day, or None after the last day a date can hold: a period stored with such
    an end (before dates were bounded) has no day after it, rather than breaking a page."""
    return None if day == date.max else day + timedelta(days=1)


def in_last_month(period: ChairPeriod, today: date) -> bool:
    """True during the last 30 days of `period`: time to announce the handover."""
    return 0 <= (period.end - today).days <= 30


def following_period(period: ChairPeriod) -> ChairPeriod | None:
    after = day_after(period.end)
    return chair_period_on(after) if after else None


def overlapping(model: Any, start: date, end: date, exclude_id: int | None = None) -> Any:
    """The first existing period of `model` that shares a day with start..end, if any."""
    query = select(model).where(model.start <= end, model.end >= start)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    return db.session.scalars(query.order_by(model.start).limit(1)).first()


def next_countries(after: str | None, count: int) -> list[str]:
    """The `count` countries following `after` in the agreed rotation order."""
    order = [code for code in settings.get("rotation_order") if code]
    if not order:
        return []
    position = order.index(after) + 1 if after in order else 0
    return [order[(position + step) % len(order)] for step in range(count)]


def generate_periods(count: int, today: date | None = None) -> list[ChairPeriod]:
    """Add the next `count` chairmanship years after the last one, following the rotation,
    as many as end before the last year a date can hold.

    Without any period yet, the first one is the chairmanship year containing `today`.
    """
    last = db.session.scalars(select(ChairPeriod).order_by(ChairPeriod.end.desc()).limit(1)).first()
    if last is not None:
        first_year = year_of(day_after(last.end) or date.max)
        if last.end >= date(first_year, 7, 1):
            first_year += 1
    else:
        first_year = year_of(today or local_today())
    count = max(0, min(count, date.max.year - first_year))
    countries = next_countries(last.country_code if last else None, count)
    periods = []
    for offset, country in enumerate(countries):
        start, end = chair_year(first_year + offset)
        period = ChairPeriod(start=start, end=end, country_code=country)
        db.session.add(period)
        periods.append(period)
    return periods


def current_mandate(today: date) -> MandatePeriod | None:
    return db.session.scalar(
        select(MandatePeriod).where(MandatePeriod.start <= today, MandatePeriod.end >= today)
    )


def latest_mandate() -> MandatePeriod | None:
    return db.session.scalars(
        select(MandatePeriod).order_by(MandatePeriod.end.desc()).limit(1)
    ).first()


def mandate_ending_soon(today: date) -> MandatePeriod | None:
    """The mandate in force when its end is within the configured warning window."""
    mandate, days = mandate_with_warning_days(today)
    if mandate is not None and (mandate.end - today).days <= days:
        return mandate
    return None


def handover_view(today: date) -> tuple[ChairPeriod | None, ChairPeriod | None, dict[str, str]]:
    """The period in force, the one starting within a month, and their countries' names.

    One query (chairpersons and country names joined), as it runs on every page's banners.
    """
    rows = db.session.execute(
        select(ChairPeriod, country_table.c.name)
        .outerjoin(country_table, country_table.c.code == ChairPeriod.country_code)
        .options(joinedload(ChairPeriod.chairpersons))
        .where(ChairPeriod.end >= today, ChairPeriod.start <= today + timedelta(days=31))
        .order_by(ChairPeriod.start)
    ).unique()
    current = following = None
    names = {}
    for period, country_name in rows:
        names[period.country_code] = country_name or period.country_code
        if period.start <= today:
            current = period
        elif following is None:
            following = period
    return current, following, names


def mandate_with_warning_days(today: date) -> tuple[MandatePeriod | None, int]:
    """The mandate in force and the warning window in days, in one query."""
    mandate = db.session.scalar(
        select(MandatePeriod).where(MandatePeriod.start <= today, MandatePeriod.end >= today)
    )
    return mandate, int(settings.get("mandate_warning_days"))


def secretariat_people() -> list[User]:
    """The active users serving as the secretariat, with their organisations: one query."""
    return list(
        db.session.scalars(
            select(User)
            .options(joinedload(User.organisation))
            .where(User.role == "secretariat", User.is_active_account.is_(True))
            .order_by(User.name)
        )
    )


def shows_email(person: User, viewer: User) -> bool:
    """Whether `viewer` may see `person`'s address, as in the directory."""
    return viewer.id == person.id or viewer.is_staff or person.email_visibility == "members"


def handover_announcement(
    current: ChairPeriod, following: ChairPeriod | None, countries: dict[str, str]
) -> str:
    """E.g. "Chair handover on 1 July to Latvia", from what `handover_view` returned."""
    handover = current.end + timedelta(days=1)
    successor = countries[following.country_code] if following else "a country not yet recorded"
    return f"Chair handover on {handover.day} {handover:%B} to {successor}"


def names(people: list[User]) -> str:
    return ", ".join(person.name for person in people)
