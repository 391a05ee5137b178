"""The governance plugin's hook implementations, each a thin call into its modules."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, url_for

from intranet.plugin_api import (
    AuditKind,
    AuditTarget,
    Banner,
    NavItem,
    PersonalDataKind,
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

from . import audit, notices, privacy, reports, rules, search, settings
from .scale import create_scale_governance
from .views import bp


@hookimpl
def intranet_audit_kinds() -> list[AuditKind]:
    return audit.AUDIT_KINDS


@hookimpl
def intranet_audit_targets(refs: list[str]) -> dict[str, AuditTarget]:
    return audit.audit_targets(refs)


@hookimpl
def intranet_blueprints() -> list[Blueprint]:
    return [bp]


@hookimpl
def intranet_migrations() -> str:
    return str(Path(__file__).parent / "migrations" / "versions")


@hookimpl
def intranet_settings_schema() -> list[Setting]:
    return list(settings.SCHEMA)


@hookimpl
def intranet_admin_nav_items(user: User) -> list[NavItem]:
    return [
        NavItem(
            "Chairmanship",
            url_for("governance.chairmanship_list"),
            order=50,
            group="content",
            description="Who chairs the task force each year, and the rotation of the chair.",
        )
    ]


@hookimpl
def intranet_nav_items(user: User) -> list[NavItem]:
    if user.is_guest:
        return []
    return [
        NavItem("Governance", url_for("governance.index"), order=80, endpoint_prefix="governance.")
    ]


@hookimpl
def intranet_dashboard_widgets(user: User) -> list[Widget]:
    if user.is_guest:
        return []
    return [
        Widget("governance-chair", "Chair", url_for("governance.chair_widget"), order=5),
        Widget("governance-mandate", "Mandate", url_for("governance.mandate_widget"), order=6),
    ]


@hookimpl
def intranet_banners(user: User) -> list[Banner]:
    return notices.banners(user)


@hookimpl
def intranet_scheduled_jobs() -> list[ScheduledJob]:
    return [ScheduledJob("governance.daily-reminders", 24 * 60, notices.send_daily_reminders)]


@hookimpl
def intranet_permission(user: User, action: str, resource: ResourceRef | None) -> bool | None:
    return rules.permission(user, action, resource)


@hookimpl
def intranet_permission_many(
    user: User, action: str, kind: str, ids: list[int]
) -> dict[int, bool] | None:
    return rules.permission_many(user, action, kind, ids)


@hookimpl
def intranet_search(query: str, user: User, limit: int) -> list[SearchResult]:
    return search.search_results(query, user, limit)


@hookimpl
def intranet_report_sections(start: date, end: date, user: User) -> list[ReportSection]:
    return reports.governance_sections(start, end, user)


@hookimpl
def intranet_personal_data(user: User) -> dict[str, Any]:
    return privacy.personal_data(user)


@hookimpl
def intranet_personal_data_kinds() -> list[PersonalDataKind]:
    return privacy.PERSONAL_DATA_KINDS


@hookimpl
def intranet_erasure_blockers(users: list[User]) -> dict[int, list[str]]:
    return privacy.erasure_blockers(users)


@hookimpl
def intranet_erase_personal_data(user: User) -> None:
    privacy.erase(user)


@hookimpl
def intranet_demo_data(users: dict[str, User]) -> None:
    from .demo import create_demo_data

    create_demo_data(users)


@hookimpl
def intranet_scale_data(scale: float, people: ScalePeople) -> None:
    create_scale_governance(scale, people)
