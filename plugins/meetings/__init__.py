"""Meetings: plenaries and workshops with agendas, participants, minutes and action items."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, url_for

from intranet.plugin_api import (
    GrantableResource,
    NavItem,
    PersonalDataKind,
    ProfileSection,
    ReportSection,
    ResourceRef,
    ScalePeople,
    ScheduledJob,
    SearchResult,
    Setting,
    User,
    Widget,
    hookimpl,
)
from plugins.meetings import demo, hooks
from plugins.meetings.scale import create_scale_meetings
from plugins.meetings.views import AGENDA_ITEM, bp, feed_bp, may_view_agenda_item


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


@hookimpl
def intranet_profile_sections(member: User, viewer: User) -> list[ProfileSection]:
    return hooks.profile_sections(member, viewer)


@hookimpl
def intranet_permission(user: User, action: str, resource: ResourceRef | None) -> bool | None:
    """Documents of an agenda item may be downloaded by whoever may see its meeting."""
    if action == "meetings.view_attachment":
        if resource is None or resource.kind != AGENDA_ITEM:
            return False
        return may_view_agenda_item(user, resource.id)
    return None


@hookimpl
def intranet_resource_sections(resource: ResourceRef, viewer: User) -> list[ProfileSection]:
    return hooks.resource_sections(resource, viewer)


@hookimpl
def intranet_search(query: str, user: User, limit: int) -> list[SearchResult]:
    return hooks.search(query, user, limit)


@hookimpl
def intranet_report_sections(start: date, end: date, user: User) -> list[ReportSection]:
    return hooks.report_sections(start, end, user)


@hookimpl
def intranet_grantable_resources(user: User) -> list[GrantableResource]:
    return hooks.grantable_resources(user)


@hookimpl
def intranet_personal_data(user: User) -> dict[str, Any]:
    return hooks.personal_data(user)


@hookimpl
def intranet_personal_data_kinds() -> list[PersonalDataKind]:
    return hooks.personal_data_kinds()


@hookimpl
def intranet_erase_personal_data(user: User) -> None:
    hooks.erase_personal_data(user)


@hookimpl
def intranet_erasure_blockers(users: list[User]) -> dict[int, list[str]]:
    return hooks.erasure_blockers(users)


@hookimpl
def intranet_scheduled_jobs() -> list[ScheduledJob]:
    return hooks.scheduled_jobs()


@hookimpl
def intranet_settings_schema() -> list[Setting]:
    return hooks.settings_schema()


@hookimpl
def intranet_demo_data(users: dict[str, User]) -> None:
    demo.create(users)


@hookimpl
def intranet_scale_data(scale: float, people: ScalePeople) -> None:
    create_scale_meetings(scale, people)
