"""The governance overview and its dashboard widgets."""

from __future__ import annotations

from typing import Any

from flask import render_template
from sqlalchemy import select

from intranet.plugin_api import MEMBERS, db, roles, wants_fragment

from .. import chairmanship
from ..models import Proposal
from . import bp


def page_or_fragment(fragment: str, title: str, **context: Any) -> str:
    """A widget body for htmx, or the same body in a full page for a plain link."""
    if wants_fragment():
        return render_template(fragment, **context)
    return render_template("dashboard/widget_page.html", body=fragment, title=title, **context)


@bp.get("/")
@roles(*MEMBERS)
def index() -> str:
    today = chairmanship.local_today()
    return render_template(
        "governance/index.html",
        **chair_context(),
        secretariat=chairmanship.secretariat_people(),
        shows_email=chairmanship.shows_email,
        mandate=chairmanship.current_mandate(today),
        open_proposals=db.session.scalar(
            select(db.func.count(Proposal.id)).where(Proposal.status == "open")
        ),
    )


def chair_context() -> dict[str, Any]:
    today = chairmanship.local_today()
    period = chairmanship.current_chair_period()
    handover = period is not None and chairmanship.in_last_month(period, today)
    return {
        "period": period,
        "handover": handover,
        "next_period": chairmanship.following_period(period) if handover else None,
        "today": today,
    }


@bp.get("/widgets/chair")
@roles(*MEMBERS)
def chair_widget() -> str:
    return page_or_fragment(
        "governance/_chair_widget.html",
        "Chair",
        **chair_context(),
        secretariat=chairmanship.secretariat_people(),
        shows_email=chairmanship.shows_email,
    )


@bp.get("/widgets/mandate")
@roles(*MEMBERS)
def mandate_widget() -> str:
    today = chairmanship.local_today()
    mandate = chairmanship.current_mandate(today)
    return page_or_fragment(
        "governance/_mandate_widget.html",
        "Mandate",
        mandate=mandate,
        ending=chairmanship.mandate_ending_soon(today),
        days_left=(mandate.end - today).days if mandate else None,
    )
