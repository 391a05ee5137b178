"""The meetings plugin's hook implementations, each a thin call into its rules, services,
contributions and views."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, url_for

from intranet.plugin_api import (
    AuditKind,
    AuditTarget,
    GrantableResource,
    MailAttachment,
    MailReplyResult,
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

from . import (
    audiences,
    audit,
    contributions,
    demo,
    mail_replies,
    notices,
    personal_data,
    rules,
)
from .scale import create_scale_meetings
from .services import mark_held
from .views import bp, feed_bp

GRANTABLE_KINDS = set(contributions.KINDS)


@hookimpl
def intranet_audit_kinds() -> list[AuditKind]:
    return audit.AUDIT_KINDS


@hookimpl
def intranet_audit_targets(refs: list[str]) -> dict[str, AuditTarget]:
    return audit.audit_targets(refs)


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
    return contributions.profile_sections(member, viewer)


@hookimpl
def intranet_permission(user: User, action: str, resource: ResourceRef | None) -> bool | None:
    """Only agenda items have documents here; objects are answered list-shaped below."""
    return rules.permission(user, action, resource)


@hookimpl
def intranet_permission_many(
    user: User, action: str, kind: str, ids: list[int]
) -> dict[int, bool] | None:
    """Meetings (a guest's series grants), their minutes and agenda items' documents."""
    return rules.permission_many(user, action, kind, ids)


@hookimpl
def intranet_resource_sections(resource: ResourceRef, viewer: User) -> list[ProfileSection]:
    return contributions.resource_sections(resource, viewer)


@hookimpl
def intranet_search(query: str, user: User, limit: int) -> list[SearchResult]:
    return contributions.search(query, user, limit)


@hookimpl
def intranet_report_sections(start: date, end: date, user: User) -> list[ReportSection]:
    return contributions.report_sections(start, end, user)


@hookimpl
def intranet_grantable_resources(
    user: User,
    query: str | None,
    refs: set[ResourceRef] | None,
    limit: int | None,
    kinds: set[str] | None,
) -> list[GrantableResource]:
    if kinds is not None and not kinds & GRANTABLE_KINDS:
        return []
    return contributions.grantable_resources(user, query, refs, limit)


@hookimpl
def intranet_personal_data(user: User) -> dict[str, Any]:
    return personal_data.personal_data(user)


@hookimpl
def intranet_personal_data_kinds() -> list[PersonalDataKind]:
    return personal_data.personal_data_kinds()


@hookimpl
def intranet_erase_personal_data(user: User) -> None:
    personal_data.erase_personal_data(user)


@hookimpl
def intranet_erasure_blockers(users: list[User]) -> dict[int, list[str]]:
    return personal_data.erasure_blockers(users)


@hookimpl
def intranet_scheduled_jobs() -> list[ScheduledJob]:
    return [
        ScheduledJob("meetings.mark-held", 60, mark_held),
        ScheduledJob("meetings.reminders", 15, notices.send_reminders),
        ScheduledJob("meetings.overdue-actions", 24 * 60, notices.send_overdue),
    ]


@hookimpl
def intranet_settings_schema() -> list[Setting]:
    return [
        Setting(
            "reminder_hours",
            "Reminder lead time (hours)",
            "int",
            notices.DEFAULT_REMINDER_HOURS,
            "How long before a meeting its invitees are reminded of it.",
            minimum=1,
            maximum=24 * 14,
        )
    ]


@hookimpl
def intranet_demo_data(users: dict[str, User]) -> None:
    demo.create(users)


@hookimpl
def intranet_scale_data(scale: float, people: ScalePeople) -> None:
    create_scale_meetings(scale, people)


@hookimpl
def intranet_user_created(user: User) -> None:
    audiences.member_joined(user)


@hookimpl
def intranet_user_deactivated(user: User) -> None:
    audiences.member_left(user)


@hookimpl
def intranet_guest_grants_changed(guest: User, granted: list[ResourceRef]) -> None:
    audiences.guest_grants_changed(guest, granted)


@hookimpl
def intranet_resource_members_changed(
    resource: ResourceRef, added: list[User], removed: list[User]
) -> None:
    if resource.kind == audiences.GROUP:
        audiences.group_members_changed(resource.id, added, removed)


@hookimpl
def intranet_mail_reply(
    target: str, user: User, text: str, attachments: list[MailAttachment]
) -> MailReplyResult | None:
    return mail_replies.post_by_mail(target, user, text, attachments)
