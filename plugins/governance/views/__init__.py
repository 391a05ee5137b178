"""The governance pages under /governance: one blueprint, its routes added per concern."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Blueprint
from flask_login import current_user

from intranet.plugin_api import time_zone

from .. import documents
from ..rules import may_steer

bp = Blueprint(
    "governance",
    __name__,
    url_prefix="/governance",
    root_path=str(Path(__file__).parent.parent),
    template_folder="templates",
    static_folder="static",
)


def local_time(value: datetime | None) -> str:
    """A stored UTC time in the viewer's time zone."""
    if value is None:
        return ""
    return value.astimezone(time_zone(current_user.timezone)).strftime("%d %b %Y, %H:%M")


@bp.context_processor
def helpers() -> dict[str, Any]:
    return {"local_time": local_time, "may_steer": may_steer, "documents": documents.DOCUMENTS}


# Each module adds its routes to `bp` when imported.
from . import chairs, mandates, overview, reports, texts  # noqa: E402

__all__ = ["bp", "chairs", "mandates", "overview", "reports", "texts"]
