"""The invitation link: accepting it, or asking the sponsor for a new one."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from intranet.plugin_api import (
    Form,
    MailError,
    User,
    db,
    external_url,
    hash_password,
    notify_event,
    password_problem,
    public,
    record_audit,
    render_form,
    send_mail,
    start_session,
    utcnow,
)

from .. import notices, service
from ..forms import AcceptForm
from ..models import Invitation
from .blueprints import invite_bp
from .common import (
    RequestAnswer,
)


def unusable_page(invitation: Invitation, token: str, reason: str) -> tuple[str, int]:
    return render_template(
        "partners/invite_unusable.html", invitation=invitation, token=token, reason=reason
    ), 410


@invite_bp.route("/invite/<token>", methods=["GET", "POST"])
@public
def accept(token: str) -> RequestAnswer:
    invitation = service.find_invitation(token)
    if invitation is None:
        service.refuse("partners.invitation.bad_link", target="invite", method=request.method)
        return render_template("partners/invite_invalid.html"), 404
    state = invitation.state
    if state != "pending":
        service.refuse(
            "partners.invitation.unusable_link",
            target=f"invitation:{invitation.id}",
            state=state,
            method=request.method,
        )
        return unusable_page(invitation, token, state)
    existing = db.session.scalar(select(User).where(User.email == invitation.email))
    if existing is not None and not existing.is_guest:
        service.refuse(
            "partners.invitation.refused",
            target=f"invitation:{invitation.id}",
            problems=["member account"],
        )
        return unusable_page(invitation, token, "member")
    form = AcceptForm() if existing is None else Form()
    if form.validate_on_submit():
        problem = None
        if existing is None:
            problem = password_problem(
                form.password.data, email=invitation.email, name=invitation.name
            )
            if problem:
                form.password.errors.append(problem)
        if problem is None:
            if not service.claim(invitation):
                service.refuse(
                    "partners.invitation.unusable_link", target=f"invitation:{invitation.id}"
                )
                return unusable_page(invitation, token, "accepted")
            password = hash_password(form.password.data) if existing is None else None
            user, created = service.accept(invitation, password)
            db.session.commit()
            if created:
                notify_event("intranet_user_created", user=user)
            service.announce_grants(user)
            notices.announce_acceptance(invitation, user)
            start_session(user)
            flash(f"Welcome, {user.name}. Below is what you have access to.", "success")
            return redirect(url_for("partners.me"), code=303)
    if form.is_submitted():
        service.refuse(
            "partners.invitation.refused",
            target=f"invitation:{invitation.id}",
            problems=sorted(str(name) for name in form.errors),
        )
    return render_form(
        "partners/accept.html", form, invitation=invitation, existing=existing, token=token
    )


@invite_bp.post("/invite/<token>/ask")
@public
def ask_for_new_link(token: str) -> RequestAnswer:
    """From a dead link: tell the sponsor (or the secretariat) that the person wants a new one."""
    invitation = service.find_invitation(token)
    if invitation is None:
        service.refuse("partners.invitation.bad_link", target="invite", method="ask")
        return render_template("partners/invite_invalid.html"), 404
    if invitation.state == "pending":
        return redirect(url_for("partners_invite.accept", token=token), code=303)
    recently = invitation.new_link_requested_at and (
        utcnow() - invitation.new_link_requested_at < timedelta(days=1)
    )
    if not recently:
        recipients = (
            [invitation.sponsor]
            if invitation.sponsor and invitation.sponsor.is_active
            else notices.secretariat()
        )
        text = render_template(
            "partners/mail/new_link_requested.txt",
            invitation=invitation,
            link=external_url("partners.index"),
        )
        for person in recipients:
            try:
                send_mail(person.email, f"{invitation.name} asks for a new invitation link", text)
            except MailError:
                continue
        invitation.new_link_requested_at = utcnow()
        record_audit("partners.invitation.new_link_requested", target=f"invitation:{invitation.id}")
        db.session.commit()
    return render_template("partners/invite_asked.html", invitation=invitation)
