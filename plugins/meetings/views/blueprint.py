"""The meetings blueprints and the template filters they bring."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import Blueprint

from intranet.plugin_api import utcnow

from ..calendar import Occurrence, series_occurrences
from ..excerpts import excerpt
from ..models import Meeting
from ..recurrence import describe
from ..services import when
from ..zones import zone_label

bp = Blueprint(
    "meetings",
    __name__,
    url_prefix="/meetings",
    root_path=str(Path(__file__).parent.parent),
    template_folder="templates",
    static_folder="static",
)
# Calendar clients cannot sign in; the personal feed lives outside /meetings at /calendar.
feed_bp = Blueprint("meetings_feed", __name__)


@bp.app_template_filter("meetings_when")
def meetings_when(moment: datetime | None, zone: str | None = None) -> str:
    """A time as people read it, in `zone` (default: the viewer's own time zone)."""
    return when(moment, zone)


@bp.app_template_filter("meetings_next_occurrence")
def next_occurrence(meeting: Meeting) -> Occurrence | None:
    """The next occurrence of a series, its own changes applied (None for a single meeting)."""
    if not meeting.rrule:
        return None
    upcoming = series_occurrences(meeting, after=utcnow())
    return upcoming[0] if upcoming else None


@bp.app_template_filter("meetings_repeats")
def repeats(meeting: Meeting) -> str:
    """How a series repeats, as a sentence ("Every 6 months, 4 times, until June 2028")."""
    return describe(meeting.rrule, meeting.local_start.replace(tzinfo=None))


@bp.app_template_filter("meetings_zone")
def zone(name: str | None, at: datetime | None = None) -> str:
    """A time zone as people read it: "Riga (UTC+2)", with its offset at `at` (a meeting's
    start: a December plenary in Riga is at UTC+2 even when the page is read in June)."""
    return zone_label(name, at)


@bp.app_template_filter("meetings_excerpt")
def markdown_excerpt(text: str | None, limit: int = 160) -> str:
    """The beginning of Markdown (minutes) as plain text, no raw markers."""
    return excerpt(text, limit)
