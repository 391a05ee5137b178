"""The sub-groups plugin's hook implementations, each a thin call into its modules."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, url_for

from intranet.plugin_api import (
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
    SimilarItem,
    User,
    Widget,
    hookimpl,
)

from . import audit, mail_replies, notices, privacy, reports, rules, search, services, settings
from .demo import create_demo_groups
from .scale import create_scale_groups
from .views import bp

GRANTABLE_KINDS = {rules.KIND}


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
def intranet_nav_items(user: User) -> list[NavItem]:
    return [
        NavItem("Sub-groups", url_for("subgroups.index"), order=20, endpoint_prefix="subgroups.")
    ]


@hookimpl
def intranet_dashboard_widgets(user: User) -> list[Widget]:
    return [Widget("subgroups", "My sub-groups", url_for("subgroups.my_groups"), order=20)]


@hookimpl
def intranet_settings_schema() -> list[Setting]:
    return settings.SETTINGS


@hookimpl
def intranet_similar_work(text: str, user: User, limit: int) -> list[SimilarItem]:
    return search.similar_groups(text, user, limit)


@hookimpl
def intranet_search(query: str, user: User, limit: int) -> list[SearchResult]:
    return search.search_results(query, user, limit)


@hookimpl
def intranet_profile_sections(member: User, viewer: User) -> list[ProfileSection]:
    return reports.profile_sections(member, viewer)


@hookimpl
def intranet_report_sections(start: date, end: date, user: User) -> list[ReportSection]:
    return reports.report_sections(start, end, user)


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
    return services.grantable_groups(user, query, refs, limit)


@hookimpl
def intranet_permission(user: User, action: str, resource: ResourceRef | None) -> bool | None:
    return rules.permission(user, action, resource)


@hookimpl
def intranet_permission_many(
    user: User, action: str, kind: str, ids: list[int]
) -> dict[int, bool] | None:
    return rules.permission_many(user, action, kind, ids)


@hookimpl
def intranet_permitted(user: User, action: str) -> dict[str, frozenset[int]] | None:
    return rules.permitted(user, action)


@hookimpl
def intranet_resource_members(resource: ResourceRef) -> list[User] | None:
    return services.resource_members(resource)


@hookimpl
def intranet_guest_grants_changed(guest: User, granted: list[ResourceRef]) -> None:
    services.sync_guest_memberships(guest, granted)


@hookimpl
def intranet_scheduled_jobs() -> list[ScheduledJob]:
    return [
        ScheduledJob("subgroups.archive_ended", 60, services.archive_ended_groups),
        ScheduledJob("subgroups.warn_ending", 24 * 60, notices.warn_ending_groups),
    ]


@hookimpl
def intranet_user_deactivated(user: User) -> None:
    services.remove_deactivated(user)


@hookimpl
def intranet_personal_data(user: User) -> dict[str, Any]:
    return privacy.personal_data(user)


@hookimpl
def intranet_personal_data_kinds() -> list[PersonalDataKind]:
    return privacy.PERSONAL_DATA_KINDS


@hookimpl
def intranet_erase_personal_data(user: User) -> None:
    privacy.erase(user)


@hookimpl
def intranet_erasure_blockers(users: list[User]) -> dict[int, list[str]]:
    return privacy.erasure_blockers(users)


@hookimpl
def intranet_demo_data(users: dict[str, User]) -> None:
    create_demo_groups(users)


@hookimpl
def intranet_scale_data(scale: float, people: ScalePeople) -> None:
    create_scale_groups(scale, people)


@hookimpl
def intranet_mail_reply(
    target: str, user: User, text: str, attachments: list[MailAttachment]
) -> MailReplyResult | None:
    return mail_replies.post_by_mail(target, user, text, attachments)
