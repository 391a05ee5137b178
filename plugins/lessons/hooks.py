"""The hook implementations of the lessons plugin, each a call into its rules and services."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click
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
    SearchResult,
    SearchTotal,
    SimilarItem,
    User,
    Widget,
    hookimpl,
)

from . import audit, coverage, mail_replies, privacy, reports, rules, sections
from .views import bp

GRANTABLE_KINDS = {rules.LESSON}


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
def intranet_nav_items(user: User) -> list[NavItem]:
    return [NavItem("Lessons", url_for("lessons.index"), order=40, endpoint_prefix="lessons.")]


@hookimpl
def intranet_admin_nav_items(user: User) -> list[NavItem]:
    return [
        NavItem(
            "Lesson editors",
            url_for("lessons.editors"),
            order=60,
            group="content",
            description="Who reviews and publishes lessons learned.",
        )
    ]


@hookimpl
def intranet_dashboard_widgets(user: User) -> list[Widget]:
    widgets = [
        Widget(
            "lessons-recent",
            "Recently published lessons",
            url_for("lessons.recent_widget"),
            order=40,
        )
    ]
    if rules.is_reviewer(user):
        widgets.append(
            Widget(
                "lessons-review",
                "Lessons awaiting review",
                url_for("lessons.review_widget"),
                order=41,
            )
        )
    return widgets


@hookimpl
def intranet_permission(user: User, action: str, resource: ResourceRef | None) -> bool | None:
    return rules.permission(user, action, resource)


@hookimpl
def intranet_search(query: str, user: User, limit: int) -> list[SearchResult]:
    return sections.search_results(query, user, limit)


@hookimpl
def intranet_search_totals(query: str, user: User) -> list[SearchTotal]:
    return sections.search_totals(query, user)


@hookimpl
def intranet_similar_work(text: str, user: User, limit: int) -> list[SimilarItem]:
    return sections.similar_items(text, user, limit)


@hookimpl
def intranet_profile_sections(member: User, viewer: User) -> list[ProfileSection]:
    return sections.profile_sections(member, viewer)


@hookimpl
def intranet_resource_sections(resource: ResourceRef, viewer: User) -> list[ProfileSection]:
    return sections.resource_sections(resource, viewer)


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
    return sections.grantable_resources(user, query, refs, limit)


@hookimpl
def intranet_personal_data(user: User) -> dict[str, Any]:
    return privacy.personal_data(user)


@hookimpl
def intranet_personal_data_kinds() -> list[PersonalDataKind]:
    return privacy.personal_data_kinds()


@hookimpl
def intranet_demo_data(users: dict[str, User]) -> None:
    from .demo import create_demo_data

    create_demo_data(users)


@hookimpl
def intranet_scale_data(scale: float, people: ScalePeople) -> None:
    from .scale import create_scale_lessons

    create_scale_lessons(scale, people)


@hookimpl
def intranet_cli_commands() -> list[click.Command]:
    return [coverage.recount_command]


@hookimpl
def intranet_erase_personal_data(user: User) -> None:
    privacy.erase_personal_data(user)


@hookimpl
def intranet_permission_many(
    user: User, action: str, kind: str, ids: list[int]
) -> dict[int, bool] | None:
    return rules.permission_many(user, action, kind, ids)


@hookimpl
def intranet_mail_reply(
    target: str, user: User, text: str, attachments: list[MailAttachment]
) -> MailReplyResult | None:
    return mail_replies.post_by_mail(target, user, text, attachments)
