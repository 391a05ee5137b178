"""The partner organisations overview, its CSV export and the dashboard card."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from flask import Response, render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from intranet.plugin_api import (
    EVERYONE,
    MEMBERS,
    db,
    roles,
    spreadsheet_cell,
    utcnow,
    wants_fragment,
)

from .. import rules, settings
from ..models import Guest, Invitation
from ..reports import organisation_page, organisations
from .blueprints import bp
from .common import PAGE_SIZE, require_inviter


@bp.get("/organisations")
@roles(*MEMBERS)
def overview() -> str:
    require_inviter()
    return render_template(
        "partners/organisations.html",
        organisations=organisation_page(request.args.get("page", 1, type=int), PAGE_SIZE),
    )


@bp.get("/organisations.csv")
@roles(*MEMBERS)
def overview_csv() -> Response:
    require_inviter()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["Organisation", "Kind", "Guest", "Email", "Sponsor", "Access ends", "Status", "Engaged in"]
    )
    for organisation in organisations():
        for guest in organisation["guests"]:
            row = [
                organisation["name"],
                organisation["kind"],
                guest.user.name,
                guest.user.email,
                guest.sponsor.name if guest.sponsor else "",
                guest.access_ends_on.isoformat(),
                "ended" if guest.ended_at else "active",
                "; ".join(grant.label for grant in guest.grants),
            ]
            writer.writerow([spreadsheet_cell(cell) for cell in row])
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="partners.csv"'},
    )


@bp.get("/widget")
@roles(*EVERYONE)
def widget() -> str:
    context: dict[str, Any] = {"guest_grants": [], "pending": [], "expiring": []}
    if current_user.is_guest:
        allowed = rules.active_grants(current_user)
        context["guest_grants"] = [
            grant for grant in rules.grants_of(current_user.id) if grant.ref in allowed
        ]
    elif rules.may_invite(current_user):
        soon = settings.today() + timedelta(days=30)
        context["pending"] = db.session.scalars(
            rules.sponsored_by(current_user, select(Invitation), Invitation.sponsor_id)
            .where(
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .order_by(Invitation.expires_at)
            .limit(10)
        ).all()
        context["expiring"] = db.session.scalars(
            rules.sponsored_by(current_user, select(Guest), Guest.sponsor_id)
            .where(Guest.ended_at.is_(None), Guest.access_ends_on <= soon)
            .options(selectinload(Guest.user))
            .order_by(Guest.access_ends_on)
            .limit(10)
        ).all()
    if wants_fragment():
        return render_template("partners/_widget.html", **context)
    return render_template(
        "dashboard/widget_page.html", body="partners/_widget.html", title="Partners", **context
    )
