"""Pages of the lessons plugin: the blueprint, and one module per concern adding its routes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint
from flask_login import current_user

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
    zone = getattr(current_user, "timezone", None) or "UTC"
    try:
        return moment.astimezone(ZoneInfo(zone)).strftime(fmt)
    except (KeyError, ValueError):
        return moment.strftime(fmt) + " UTC"


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
