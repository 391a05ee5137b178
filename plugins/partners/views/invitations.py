"""Inviting one partner, and tracking, resending and revoking invitations."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response as WerkzeugResponse

from intranet.plugin_api import (
    MEMBERS,
    User,
    confirmation,
    db,
    render_form,
    roles,
)

from .. import rules, service, settings
from ..forms import InviteForm
from ..models import Guest, Invitation
from ..service import Invitee
from .blueprints import bp
from .choosing import chosen_resources, grant_picker, searching
from .common import (
    PAGE_SIZE,
    RequestAnswer,
    check_end_date,
    invite_and_mail,
    managed_invitation,
    require_inviter,
    warn_of_deactivated_accounts,
)


@bp.get("/")
@roles(*MEMBERS)
def index() -> str:
    require_inviter()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    invitations_query = rules.sponsored_by(current_user, select(Invitation), Invitation.sponsor_id)
    total = db.session.scalar(select(func.count()).select_from(invitations_query.subquery()))
    invitations = db.session.scalars(
        invitations_query.options(
            selectinload(Invitation.sponsor), selectinload(Invitation.resources)
        )
        .order_by(Invitation.sent_at.desc(), Invitation.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    # The name only breaks ties of the end date, so it is read for each guest, not joined:
    # a join hashed every account of the site to sort a few thousand guests (17 ms at N=10).
    name = select(User.name).where(User.id == Guest.user_id).scalar_subquery()
    guests = db.paginate(
        rules.sponsored_by(current_user, select(Guest), Guest.sponsor_id)
        .options(selectinload(Guest.user), selectinload(Guest.sponsor), selectinload(Guest.grants))
        .order_by(Guest.ended_at.is_not(None), Guest.access_ends_on, name, Guest.user_id),
        page=request.args.get("guests", 1, type=int),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    return render_template(
        "partners/index.html",
        invitations=invitations,
        guests=guests,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        today=settings.today(),
    )


@bp.route("/invite", methods=["GET", "POST"])
@roles(*MEMBERS)
def invite() -> RequestAnswer:
    require_inviter()
    form = InviteForm()
    query = searching()
    if request.method == "GET":
        form.access_ends_on.data = settings.default_access_end()
    if form.is_submitted() and query is None:
        form.validate()
        invitee = service.check_invitee(
            Invitee(
                form.name.data or "",
                form.email.data or "",
                form.organisation.data or "",
                form.organisation_kind.data or "",
            ),
            service.pending_invitation_emails([form.email.data or ""]),
        )
        for name, problem in invitee.errors.items():
            if not getattr(form, name).errors:
                getattr(form, name).errors.append(problem)
        resources, unknown = chosen_resources(form.resources)
        check_end_date(form.access_ends_on)
        if not form.errors:
            invitation = invite_and_mail(invitee, form, resources)
            flash(f"Invitation sent to {invitation.name} <{invitation.email}>.", "success")
            warn_of_deactivated_accounts([invitation.email])
            return redirect(url_for("partners.index"), code=303)
        service.refuse(
            "partners.invitation.refused",
            target=(form.email.data or "")[:200],
            problems=sorted(str(name) for name in form.errors),
            forbidden_resources=unknown,
        )
    return render_form(
        "partners/invite.html", form, picker=grant_picker(form.resources.data or [], query)
    )


@bp.post("/invitations/<int:invitation_id>/resend")
@roles(*MEMBERS)
def resend(invitation_id: int) -> WerkzeugResponse:
    require_inviter()
    invitation = managed_invitation(invitation_id)
    if invitation.accepted_at is not None:
        flash("This invitation was accepted already; there is nothing to resend.", "info")
        return redirect(url_for("partners.index"), code=303)
    token = service.resend(invitation, current_user)
    service.send_invitation_mail(invitation, token)
    db.session.commit()
    flash(f"A new link was sent to {invitation.email}; the old one no longer works.", "success")
    warn_of_deactivated_accounts([invitation.email])
    return redirect(url_for("partners.index"), code=303)


@bp.post("/invitations/<int:invitation_id>/revoke")
@roles(*MEMBERS)
def revoke(invitation_id: int) -> WerkzeugResponse | str:
    require_inviter()
    invitation = managed_invitation(invitation_id)
    if invitation.state != "pending":
        flash(f"This invitation is {invitation.state}; only pending ones can be revoked.", "info")
    elif asked := confirmation(
        f"Revoke the invitation to {invitation.email}?",
        action="Revoke the invitation",
        back=url_for("partners.index"),
        detail="Its link stops working at once. You can invite the same person again later.",
    ):
        return asked
    else:
        service.revoke(invitation, current_user)
        db.session.commit()
        flash(
            f"The invitation to {invitation.email} is revoked; its link no longer works.", "success"
        )
    return redirect(url_for("partners.index"), code=303)
