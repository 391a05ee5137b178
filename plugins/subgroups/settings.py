"""The sub-groups plugin's settings, shown on the admin settings page."""

from __future__ import annotations

from intranet.plugin_api import Setting

from .rules import EDIT_WINDOW_MINUTES

SETTINGS = [
    Setting(
        "edit_window_minutes",
        "Minutes during which a post can be edited",
        "int",
        EDIT_WINDOW_MINUTES,
        "After this, authors can still delete their post but no longer change it.",
        minimum=0,
        maximum=7 * 24 * 60,
    ),
    Setting(
        "convenors_may_invite",
        "Convenors may invite partners to their group",
        "bool",
        True,
        "Lets the convenors of a sub-group invite guests to that group (with the partners "
        "plugin), besides the roles the partners settings name.",
    ),
]
