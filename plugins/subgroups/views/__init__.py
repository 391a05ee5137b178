"""The sub-groups pages: one blueprint, its routes added by one module per concern."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import Blueprint
from flask_login import current_user

from intranet.plugin_api import time_zone

bp = Blueprint(
    "subgroups",
    __name__,
    url_prefix="/subgroups",
    root_path=str(Path(__file__).parent.parent),
    template_folder="templates",
)


@bp.app_template_filter("subgroups_local")
def local_time(value: datetime | None) -> str:
    """A stored UTC time in the viewer's own time zone."""
    if value is None:
        return ""
    zone = time_zone(getattr(current_user, "timezone", None))
    return value.astimezone(zone).strftime("%d %b %Y %H:%M")


# Each module adds its routes to `bp` when imported.
from . import discussion, documents, groups, membership  # noqa: E402

__all__ = ["bp", "discussion", "documents", "groups", "membership"]
