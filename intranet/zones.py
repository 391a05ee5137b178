"""Time zones as people pick and read them: "Riga (UTC+2)", the member states' zones first.

The database keeps the IANA name (Europe/Riga, also for calendars); pages and mails show
`zone_label`, and every form that asks for a zone uses `ZoneField`: nobody types a zone name.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from wtforms import SelectField, ValidationError

from intranet.models import utcnow

# The zones of the CBSS member states (and of the EU, a member), in the order the task force
# lists its members; a host country proposes its zone.
COUNTRY_ZONES = {
    "LV": "Europe/Riga",
    "LT": "Europe/Vilnius",
    "EE": "Europe/Tallinn",
    "FI": "Europe/Helsinki",
    "SE": "Europe/Stockholm",
    "NO": "Europe/Oslo",
    "DK": "Europe/Copenhagen",
    "DE": "Europe/Berlin",
    "PL": "Europe/Warsaw",
    "IS": "Atlantic/Reykjavik",
    "BE": "Europe/Brussels",
}
# Partners' countries that often host a meeting too (one zone each).
COUNTRY_ZONES |= {
    "AT": "Europe/Vienna",
    "CH": "Europe/Zurich",
    "FR": "Europe/Paris",
    "GB": "Europe/London",
    "IE": "Europe/Dublin",
    "IT": "Europe/Rome",
    "NL": "Europe/Amsterdam",
    "UA": "Europe/Kyiv",
}
MEMBER_ZONES = tuple(list(COUNTRY_ZONES.values())[:11])
REGIONS = ("Europe", "Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic")
REGIONS += ("Australia", "Indian", "Pacific")


def offset_text(zone: ZoneInfo, at: datetime) -> str:
    offset = at.astimezone(zone).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def place(name: str) -> str:
    """The place a zone is named after: "Europe/Riga" -> "Riga", "America/Argentina/San_Juan"
    -> "San Juan, Argentina"."""
    parts = name.split("/")
    if len(parts) == 1:
        return name
    city = parts[-1].replace("_", " ")
    return f"{city}, {parts[1].replace('_', ' ')}" if len(parts) > 2 else city


@lru_cache(maxsize=1024)
def known_zone(name: str) -> ZoneInfo | None:
    """The time zone called `name`, or None if there is none, kept for the process: zoneinfo
    keeps only the last eight zones used, so a page of meetings in ten zones read their files
    from disk again on every view."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def time_zone(name: str | None, fallback: str = "UTC") -> ZoneInfo:
    """The time zone called `name`; `fallback`'s when `name` is empty or names no zone."""
    found = known_zone(name or fallback) or known_zone(fallback)
    if found is None:
        raise ValueError(f"no time zone is called {fallback!r}")
    return found


def zone_label(name: str | None, at: datetime | None = None) -> str:
    """ "Riga (UTC+2)": a zone's place and its offset at `at` (default: now)."""
    if not name:
        return ""
    found = known_zone(name)
    if found is None:
        return name
    offset = offset_text(found, at or utcnow())
    return "UTC" if name == "UTC" else f"{place(name)} ({offset})"


def is_zone(name: str) -> bool:
    return name in available_timezones()


@lru_cache(maxsize=2)
def _choices(day: str) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    at = datetime.fromisoformat(day + "T12:00+00:00")
    groups: dict[str, list[tuple[str, str]]] = {"Member states": []}
    groups["Member states"] = [(name, zone_label(name, at)) for name in MEMBER_ZONES]
    for region in REGIONS:
        groups[region] = []
    for name in sorted(available_timezones()):
        region = name.split("/")[0]
        if region in groups and "/" in name:
            groups[region].append((name, zone_label(name, at)))
    for names in groups.values():
        if names is not groups["Member states"]:
            names.sort(key=lambda choice: choice[1])
    groups["Other"] = [("UTC", "UTC (coordinated universal time)")]
    return tuple((group, tuple(names)) for group, names in groups.items())


def zone_choices(empty: str = "") -> dict[str | None, list[tuple[str, str]]]:
    """The select's choices grouped by region (optgroups), the member states first, each
    labelled with its offset today; `empty`, if given, labels a first choice of no zone."""
    grouped: dict[str | None, list[tuple[str, str]]] = {
        group: list(names) for group, names in _choices(utcnow().date().isoformat())
    }
    return {None: [("", empty)], **grouped} if empty else grouped


ZONE_ERROR = "Choose a time zone from the list."


def country_zone(code: str | None) -> str | None:
    """The zone a country's people most likely live in (None when the country has several or
    is not listed)."""
    return COUNTRY_ZONES.get(code or "")


class ZoneField(SelectField):
    """A select of time zones with human labels ("Riga (UTC+2)"), the member states' first,
    then every IANA zone by region; it stores the IANA name and refuses any other value."""

    def __init__(
        self, label: str | None = None, validators: Any = None, *, empty: str = "", **kwargs: Any
    ) -> None:
        super().__init__(
            label,
            validators,
            choices=lambda: zone_choices(empty),
            validate_choice=False,
            **kwargs,
        )

    def pre_validate(self, form: Any) -> None:
        if self.data and not is_zone(self.data):
            raise ValidationError(ZONE_ERROR)


def init_app(app: Any) -> None:
    app.add_template_filter(zone_label, "zone_label")
