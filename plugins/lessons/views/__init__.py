"""Pages of the lessons plugin: the blueprint, and one module per concern adding its routes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Blueprint
from flask_login import current_user

from intranet.plugin_api import known_zone

from .. import rules
from ..vocab import (
    AREAS,
    COUNTRIES,
    EXPLOITATION_FORMS,
    LEVELS,
    SHARING,
    STATUSES,
    TARGET_GROUPS,
    label,
)

bp = Blueprint(
    "lessons",
    __name__,
    root_path=str(Path(__file__).resolve().parent.parent),  # templates/ and static/ sit there
    url_prefix="/lessons",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


@bp.app_template_filter("lessons_country")
def country_name(code: str) -> str:
    return COUNTRIES.get(code, code)


@bp.app_template_filter("lessons_time")
def local_time(moment: datetime | None, fmt: str = "%d %b %Y, %H:%M") -> str:
    """A stored UTC time in the viewer's time zone (UTC for anonymous readers)."""
    if moment is None:
        return ""
    zone = known_zone(getattr(current_user, "timezone", None) or "UTC")
    if zone is None:
        return moment.strftime(fmt) + " UTC"
    return moment.astimezone(zone).strftime(fmt)


@bp.context_processor
def vocabularies() -> dict[str, Any]:
    return {
        "COUNTRIES": COUNTRIES,
        "LEVELS": LEVELS,
        "AREAS": AREAS,
        "FORMS": EXPLOITATION_FORMS,
        "TARGET_GROUPS": TARGET_GROUPS,
        "STATUSES": STATUSES,
        "SHARING": SHARING,
        "facet_label": label,
        "is_reviewer": rules.is_reviewer(current_user),
    }


# Each module adds its routes to `bp`: imported after it exists.
from . import (  # noqa: E402, F401
    browse,
    editors,
    files,
    initiatives,
    lesson,
    public,
    review,
    revisions,
)
