"""The admin page /admin/: every admin page of the core and the plugins, in three groups."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, render_template

from intranet.access import STAFF, roles
from intranet.platform.views import admin_nav_items

GROUPS = [
    ("people", "People", "Accounts, delegations and the organisations people belong to."),
    ("content", "Content", "What the task force writes and decides, and who reviews it."),
    ("system", "System", "Features, settings, mail and the record of what happened."),
]
OTHER = ("other", "Other", "Pages of installed plugins that name no group.")

bp = Blueprint("admin_home", __name__)


def grouped(items: list[Any]) -> list[tuple[tuple[str, str, str], list[Any]]]:
    """The admin links by group, in the order of GROUPS; links naming no known group last."""
    known = {key for key, _, _ in GROUPS}
    sections = [(group, [item for item in items if item.group == group[0]]) for group in GROUPS]
    sections.append((OTHER, [item for item in items if item.group not in known]))
    return [(group, links) for group, links in sections if links]


@bp.get("/admin/")
@roles(*STAFF)
def index() -> str:
    return render_template("admin_home/index.html", sections=grouped(admin_nav_items()))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
