"""The core's own contributions, made through the same hooks as every plugin."""

from __future__ import annotations

from flask import url_for

from intranet.directory_search import DirectoryFilter, country_names
from intranet.extensions import db
from intranet.models import User
from intranet.plugin_api import NavItem, SearchResult, Widget, hookimpl


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
        NavItem("Users", url_for("admin_users.index"), order=10),
        NavItem("Audit log", url_for("audit.index"), order=80),
    ]
    if user.role == "admin":
        items.append(NavItem("Plugins", url_for("views.admin_plugins"), order=90))
    items += [
        NavItem("Countries", url_for("reference.countries"), order=60),
        NavItem("Organisations", url_for("reference.organisations"), order=61),
    ]
    return items


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
