"""The plugin's settings: declared for the core's schema hook and stored by the core.

Admins change them on the core's settings page, the secretariat on the governance settings page;
both validate with the checks declared here.
"""

from __future__ import annotations

from typing import Any

from intranet.plugin_api import Setting, country_choices, save_settings, setting


def member_states() -> list[tuple[str, str]]:
    """(code, name) of the member states the core records, by name."""
    return country_choices(kinds=["member"], blank=None)


def rotation_problem(codes: list[str]) -> str | None:
    """Why a rotation order is not acceptable, or None."""
    known = dict(member_states())
    unknown = [code for code in codes if code not in known]
    if unknown:
        return f"Not a CBSS member state: {', '.join(unknown)}."
    if len(set(codes)) != len(codes):
        return "Each country may appear only once."
    return None


CHAIR_ACTIONS = (
    ("meetings.manage", "Plan, change and cancel meetings"),
    ("meetings.minutes", "Write and approve the minutes of meetings"),
)

SCHEMA = [
    Setting(
        "rotation_order",
        "Chairmanship rotation order",
        type="order",
        default=["SE", "LV", "DK", "LT", "NO", "DE", "IS", "FI", "EE", "PL"],
        help="The member states in the agreed order of the chairmanship.",
        choices=member_states,
        validate=rotation_problem,
    ),
    Setting(
        "chair_actions",
        "Rights of the chair",
        type="list",
        default=["meetings.manage", "meetings.minutes"],
        help="What the current chairperson may do like the secretariat.",
        choices=CHAIR_ACTIONS,
    ),
    Setting(
        "mandate_warning_days",
        "Mandate end warning",
        type="int",
        unit="days",
        default=120,
        minimum=1,
        maximum=1000,
        help="How many days before the mandate ends the secretariat is reminded of the final "
        "report.",
    ),
]
DEFAULTS = {setting.key: setting.default for setting in SCHEMA}


def all_settings() -> dict[str, Any]:
    """Every setting's current value (the core reads them once per request)."""
    return {key: setting("governance", key) for key in DEFAULTS}


def get(key: str) -> Any:
    return setting("governance", key)


def save(values: dict[str, Any]) -> None:
    save_settings("governance", values)
