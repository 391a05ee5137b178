"""Times are stored in UTC and shown in the viewer's time zone (`User.timezone`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import Flask
from flask_login import current_user

from intranet.zones import time_zone

DEFAULT_ZONE = "Europe/Stockholm"


def viewer_zone() -> ZoneInfo:
    return time_zone(getattr(current_user, "timezone", None), DEFAULT_ZONE)


def viewer_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Format a UTC time in the viewer's zone, e.g. "2026-03-01 14:05"."""
    if value is None:
        return ""
    return value.astimezone(viewer_zone()).strftime(fmt)


def start_of_day(day: date) -> datetime:
    """The UTC instant at which `day` begins in the viewer's zone."""
    return datetime.combine(day, time.min, tzinfo=viewer_zone()).astimezone(UTC)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["viewer_time"] = viewer_time
