"""The plugin's settings: declared for the core's schema hook, stored in `governance_setting`."""

from __future__ import annotations

from typing import Any

from flask import g
from sqlalchemy import select

from intranet.plugin_api import Setting, db
from plugins.governance.models import GovernanceSetting

MEMBER_STATES = ("DK", "EE", "FI", "DE", "IS", "LV", "LT", "NO", "PL", "SE")

SCHEMA = [
    Setting(
        "rotation_order",
        "Chairmanship rotation order",
        type="list",
        default=["SE", "LV", "DK", "LT", "NO", "DE", "IS", "FI", "EE", "PL"],
        help="Country codes of the member states in the agreed order of the chairmanship.",
    ),
    Setting(
        "chair_actions",
        "Rights of the chair",
        type="list",
        default=["meetings.manage", "meetings.minutes"],
        help="Actions the current chairperson may perform like the secretariat.",
    ),
    Setting(
        "mandate_warning_days",
        "Mandate end warning (days)",
        type="int",
        default=120,
        help="How many days before the mandate ends the secretariat is reminded of the final "
        "report.",
    ),
]
DEFAULTS = {setting.key: setting.default for setting in SCHEMA}


def all_settings() -> dict[str, Any]:
    """Every setting's value (stored or default), read once per request."""
    if "governance_settings" not in g:
        stored = dict(
            db.session.execute(select(GovernanceSetting.key, GovernanceSetting.value))
            .tuples()
            .all()
        )
        g.governance_settings = {**DEFAULTS, **stored}
    return g.governance_settings


def get(key: str) -> Any:
    return all_settings()[key]


def save(values: dict[str, Any]) -> None:
    for key, value in values.items():
        setting = db.session.get(GovernanceSetting, key) or GovernanceSetting(key=key)
        setting.value = value
        db.session.add(setting)
    g.pop("governance_settings", None)
