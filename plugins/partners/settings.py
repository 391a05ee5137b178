"""The partners plugin's settings and the calendar arithmetic of guest access."""

from __future__ import annotations

from datetime import date
from typing import Any

from intranet.plugin_api import Setting, utcnow
from intranet.plugin_api import setting as plugin_setting

SETTINGS = [
    Setting(
        "inviter_roles",
        "Roles that may invite partners",
        "list",
        ["secretariat", "admin"],
        "Others may invite only where another plugin allows it (e.g. a convenor for their group).",
        choices=(("member", "Members"), ("secretariat", "Secretariat"), ("admin", "Admins")),
    ),
    Setting(
        "invitation_valid_days",
        "Days an invitation link stays valid",
        "int",
        14,
        minimum=1,
        maximum=90,
    ),
    Setting(
        "default_access_months",
        "Default length of guest access, in months",
        "int",
        6,
        minimum=1,
        maximum=36,
    ),
    Setting(
        "max_access_months",
        "Longest guest access, in months",
        "int",
        24,
        "No invitation, renewal or grant gives access beyond this many months from today.",
        minimum=1,
        maximum=120,
    ),
    Setting(
        "reminder_days",
        "Days before access ends that the sponsor is reminded",
        "int",
        14,
        minimum=1,
        maximum=90,
    ),
]


def setting(key: str) -> Any:
    """A setting's value as the admin set it (else `PARTNERS_<KEY>` in the config, else default)."""
    return plugin_setting("partners", key)


def today() -> date:
    return utcnow().date()


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last_day in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=last_day)
        except ValueError:
            continue
    raise ValueError(day)


def latest_access_end() -> date:
    """The last day guest access may be given until, counted from today."""
    return add_months(today(), int(setting("max_access_months")))


def default_access_end() -> date:
    return min(add_months(today(), int(setting("default_access_months"))), latest_access_end())
