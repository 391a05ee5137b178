"""The core's own contributions, made through the same hooks as every plugin."""

from __future__ import annotations

from flask import url_for

from intranet.models import User
from intranet.plugin_api import NavItem, Widget, hookimpl


@hookimpl
def intranet_nav_items(user: User) -> list[NavItem]:
    return [
        NavItem("Dashboard", url_for("views.dashboard"), order=0, endpoint_prefix="views.dashboard")
    ]


@hookimpl
def intranet_admin_nav_items(user: User) -> list[NavItem]:
    items = [
        NavItem("Users", url_for("admin_users.index"), order=10),
        NavItem("Audit log", url_for("audit.index"), order=80),
    ]
    if user.role == "admin":
        items.append(NavItem("Plugins", url_for("views.admin_plugins"), order=90))
    return items


@hookimpl
def intranet_dashboard_widgets(user: User) -> list[Widget]:
    return [Widget("welcome", "Welcome", url_for("views.welcome_widget"), order=0)]
