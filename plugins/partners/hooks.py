"""The partners plugin's hook implementations, each a thin call into its rules and services."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click
from flask import Blueprint, url_for

from intranet.plugin_api import (
    AuditKind,
    AuditTarget,
    NavItem,
    PersonalDataKind,
    ProfileSection,
    ReportSection,
    ResourceRef,
    ScalePeople,
    ScheduledJob,
    Setting,
    User,
    Widget,
    hookimpl,
)

from . import audit, demo, expiry, notices, privacy, reports, rules
from .scale import create_scale_partners
from .settings import SETTINGS
from .views import bp, invite_bp


@hookimpl
def intranet_audit_kinds() -> list[AuditKind]:
    return audit.AUDIT_KINDS


@hookimpl
def intranet_audit_targets(refs: list[str]) -> dict[str, AuditTarget]:
    return audit.audit_targets(refs)


@hookimpl
def intranet_blueprints() -> list[Blueprint]:
    return [bp, invite_bp]


@hookimpl
def intranet_migrations() -> str:
    return str(Path(__file__).parent / "migrations" / "versions")


@hookimpl
def intranet_settings_schema() -> list[Setting]:
    return SETTINGS


@hookimpl
def intranet_permission(user: User, action: str, resource: ResourceRef | None) -> bool | None:
    return rules.guest_permission(user, action, resource)


@hookimpl
def intranet_permission_many(
    user: User, action: str, kind: str, ids: list[int]
) -> dict[int, bool] | None:
    return rules.guest_permission_many(user, action, kind, ids) or None


@hookimpl
def intranet_permitted(user: User, action: str) -> dict[str, frozenset[int]] | None:
    return rules.guest_permitted(user, action)


@hookimpl
def intranet_nav_items(user: User) -> list[NavItem]:
    if user.is_guest:
        return [
            NavItem("My access", url_for("partners.me"), order=5, endpoint_prefix="partners.me")
        ]
    if rules.shows_partners_menu(user):
        return [
            NavItem("Partners", url_for("partners.index"), order=60, endpoint_prefix="partners.")
        ]
    return []


@hookimpl
def intranet_dashboard_widgets(user: User) -> list[Widget]:
    if user.is_guest:
        return [Widget("partners", "Your access", url_for("partners.widget"), order=5)]
    if rules.shows_partners_menu(user):
        return [Widget("partners", "Partners", url_for("partners.widget"), order=60)]
    return []


@hookimpl
def intranet_profile_sections(member: User, viewer: User) -> list[ProfileSection]:
    return reports.profile_sections(member, viewer)


@hookimpl
def intranet_report_sections(start: date, end: date, user: User) -> list[ReportSection]:
    return reports.report_sections(start, end, user)


@hookimpl
def intranet_cli_commands() -> list[click.Command]:
    return [expiry.expire_guests_command]


@hookimpl
def intranet_scheduled_jobs() -> list[ScheduledJob]:
    return [
        ScheduledJob("partners.expire-guests", 15, expiry.expire_due_guests),
        ScheduledJob("partners.remind-sponsors", 60, expiry.remind_sponsors),
        ScheduledJob("partners.expired-invitations", 24 * 60, notices.announce_expired_invitations),
    ]


@hookimpl
def intranet_user_deactivated(user: User) -> None:
    if not user.is_guest:
        expiry.flag_orphaned_guests(user)


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
    privacy.erase_personal_data(user)


@hookimpl(trylast=True)
def intranet_demo_data(users: dict[str, User]) -> None:
    """Runs after the other plugins' demo data, so their sub-groups and meetings can be granted."""
    demo.demo_data(users)


@hookimpl(trylast=True)
def intranet_scale_data(scale: float, people: ScalePeople) -> None:
    """Runs after the other plugins' scale data, so their sub-groups and meetings can be granted."""
    create_scale_partners(scale, people)
