"""Meetings: plenaries and workshops with agendas, participants, minutes and action items."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, url_for

from intranet.plugin_api import NavItem, User, Widget, hookimpl
from plugins.meetings.views import bp, feed_bp


@hookimpl
def intranet_blueprints() -> list[Blueprint]:
    return [bp, feed_bp]


@hookimpl
def intranet_migrations() -> str:
    return str(Path(__file__).parent / "migrations" / "versions")


@hookimpl
def intranet_nav_items(user: User) -> list[NavItem]:
    return [NavItem("Meetings", url_for("meetings.index"), order=30, endpoint_prefix="meetings.")]


@hookimpl
def intranet_dashboard_widgets(user: User) -> list[Widget]:
    return [
        Widget("meetings-next", "Next meetings", url_for("meetings.next_meetings"), order=20),
        Widget(
            "meetings-actions",
            "My open action items",
            url_for("meetings.my_actions", open=1),
            order=25,
        ),
    ]
