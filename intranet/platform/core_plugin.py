"""The core's own contributions, made through the same hooks as every plugin."""

from __future__ import annotations

from typing import Any

from flask import url_for

from intranet.accounts.sessions import forget_expired_revocations
from intranet.administration.audit_kinds import CORE_AUDIT_KINDS, core_audit_targets
from intranet.directory.listing import DirectoryFilter, country_names
from intranet.extensions import db
from intranet.hookspecs import hookimpl
from intranet.models import User
from intranet.platform.outbox import forget_finished
from intranet.platform.schema import refresh_planner_statistics
from intranet.platform.stamps import forget_stale_figures
from intranet.platform.submissions import expire_submissions
from intranet.privacy.core_data import core_personal_data
from intranet.privacy.erasure import run_retention
from intranet.undo import expire_undo_offers
from intranet.values import (
    AuditKind,
    AuditTarget,
    NavItem,
    PersonalDataKind,
    ScheduledJob,
    SearchResult,
    Setting,
    Widget,
)


def logo_problem(value: str | None) -> str | None:
    """The logo must come from this site: the content security policy admits no other images."""
    if value and (not value.startswith("/") or value.startswith("//")):
        return "Give the address of an image on this site, starting with /, or leave it empty."
    return None


@hookimpl
def intranet_settings_schema() -> list[Setting]:
    return [
        Setting(
            "site_logo",
            "Site logo",
            help="Address of an image on this site shown before the site name in the header "
            "(e.g. /static/logo.svg). Empty: the intranet's own mark.",
            default="",
            validate=logo_problem,
        )
    ]


@hookimpl
def intranet_scheduled_jobs() -> list[ScheduledJob]:
    return [
        ScheduledJob("core.retention", 24 * 60, run_retention),
        ScheduledJob("core.forget-old-mail", 24 * 60, forget_finished),
        ScheduledJob("core.revoked-sessions", 24 * 60, forget_expired_revocations),
        ScheduledJob("core.submissions", 60, expire_submissions),
        ScheduledJob("core.undo-offers", 10, expire_undo_offers),
        ScheduledJob("core.planner-statistics", 24 * 60, refresh_planner_statistics),
        ScheduledJob("core.stale-figures", 24 * 60, forget_stale_figures),
    ]


@hookimpl
def intranet_nav_items(user: User) -> list[NavItem]:
    items = [
        NavItem("Dashboard", url_for("views.dashboard"), order=0, endpoint_prefix="views.dashboard")
    ]
    if not user.is_guest:
        items += [
            NavItem(
                "Directory", url_for("directory.index"), order=10, endpoint_prefix="directory.index"
            ),
            NavItem(
                "Delegations",
                url_for("directory.delegations"),
                order=11,
                endpoint_prefix="directory.delegation",
            ),
        ]
    items.append(NavItem("Search", url_for("search.index"), order=90, endpoint_prefix="search."))
    return items


@hookimpl
def intranet_admin_nav_items(user: User) -> list[NavItem]:
    items = [
        NavItem(
            "Users",
            url_for("admin_users.index"),
            order=10,
            group="people",
            description="Create, import, find and deactivate accounts; change roles.",
        ),
        NavItem(
            "Countries",
            url_for("reference.countries"),
            order=60,
            group="people",
            description="The countries the task force records, with their names.",
        ),
        NavItem(
            "Organisations",
            url_for("reference.organisations"),
            order=61,
            group="people",
            description="Ministries, authorities and partner bodies that people belong to.",
        ),
        NavItem(
            "Audit log",
            url_for("audit.index"),
            order=80,
            group="system",
            description="Who did what and when: sign-ins, changes to accounts and content.",
        ),
        NavItem(
            "Erasure",
            url_for("erasure.requests"),
            order=81,
            group="people",
            description="Requests to erase an account, to decide on.",
        ),
    ]
    if user.role == "admin":
        items += [
            NavItem(
                "Plugins",
                url_for("views.admin_plugins"),
                order=90,
                group="system",
                description="Switch the intranet's features on and off for everyone.",
            ),
            NavItem(
                "Settings",
                url_for("settings.index"),
                order=91,
                group="system",
                description="The settings of the intranet and of each feature.",
            ),
            NavItem(
                "Mail",
                url_for("mail_queue.index"),
                order=92,
                group="system",
                description="Outgoing mail that failed or waits, to send again.",
            ),
        ]
    return items


@hookimpl
def intranet_audit_kinds() -> list[AuditKind]:
    return CORE_AUDIT_KINDS


@hookimpl
def intranet_audit_targets(refs: list[str]) -> dict[str, AuditTarget]:
    return core_audit_targets(refs)


@hookimpl
def intranet_dashboard_widgets(user: User) -> list[Widget]:
    return [Widget("welcome", "Welcome", url_for("views.welcome_widget"), order=0)]


@hookimpl
def intranet_search(query: str, user: User, limit: int) -> list[SearchResult]:
    """Members matching the query; guests find nobody here."""
    if user.is_guest:
        return []
    countries = country_names()
    members = db.session.scalars(DirectoryFilter(q=query).statement().limit(limit))
    results = []
    for member in members:
        facts = [
            member.position,
            member.organisation.name if member.organisation else None,
            countries.get(member.country_code or "", member.country_code),
            member.expertise,
        ]
        results.append(
            SearchResult(
                kind="Members",
                title=member.name,
                url=url_for("directory.member_profile", member_id=member.id),
                snippet=" · ".join(fact for fact in facts if fact),
            )
        )
    return results


@hookimpl
def intranet_personal_data(user: User) -> dict[str, Any]:
    return core_personal_data(user)


@hookimpl
def intranet_personal_data_kinds() -> list[PersonalDataKind]:
    until_erased = "As long as the account exists; removed or anonymised when it is erased."
    return [
        PersonalDataKind(
            "Account",
            "Email address, name, role, time zone, password hash, two-factor secret, sign-in "
            "and deactivation dates.",
            until_erased,
        ),
        PersonalDataKind(
            "Directory profile",
            "Position, organisation, country, phone, expertise, languages, biography and who "
            "may see the email address and phone number.",
            until_erased,
        ),
        PersonalDataKind(
            "Notifications",
            "What a user was told about in the intranet, and when it was read or mailed.",
            until_erased,
        ),
        PersonalDataKind(
            "Outgoing mail",
            "Mails to a user waiting in the mail queue: address, subject and text.",
            "The text is deleted once the mail server accepted the mail; address and subject "
            "30 days after the mail was sent or given up.",
        ),
        PersonalDataKind(
            "Audit log and sign-in history",
            "Security and administrative events a user did or that concern them, with the "
            "IP address; failed sign-in attempts for login throttling.",
            "The audit log is kept; when an account is erased, events about the person keep only "
            "the account id and the fact. Failed attempts are cleared at the next sign-in.",
        ),
        PersonalDataKind(
            "Uploaded files",
            "Documents a user attached to sub-groups, meetings, lessons and other objects.",
            "As long as the object they are attached to.",
        ),
    ]
