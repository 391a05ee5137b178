"""The invitation link: accepting it, or asking the sponsor for a new one."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from intranet.plugin_api import (
    Form,
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


def unusable_page(
    invitation: Invitation, token: str, reason: str, status: int = 410
) -> tuple[str, int]:
    return render_template(
        "partners/invite_unusable.html", invitation=invitation, token=token, reason=reason
    ), status


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
    if existing is not None:
        return accept_as_existing(invitation, existing, token)
    form = AcceptForm()
    if form.validate_on_submit():
        problem = password_problem(form.password.data, email=invitation.email, name=invitation.name)
        if problem:
            form.password.errors.append(problem)
        else:
            return accepted(invitation, token, None, hash_password(form.password.data))
    if form.is_submitted():
        refuse_form(invitation, form)
    return render_form("partners/accept.html", form, invitation=invitation, token=token)


def accept_as_existing(invitation: Invitation, account: User, token: str) -> RequestAnswer:
    """The address has an account: only its owner, signed in the usual way, accepts.

    Whoever opens the link is sent through the core's sign-in (password and second factor) and
    back here; someone signed in as another account is told so; a deactivated account stays
    deactivated until staff decide.
    """
    if not account.is_active:
        service.refuse(
            "partners.invitation.refused",
            target=f"invitation:{invitation.id}",
            problems=["deactivated account"],
            method=request.method,
        )
        return unusable_page(invitation, token, "deactivated", status=403)
    signed_in = current_user.is_authenticated
    other_account = signed_in and current_user.id != account.id
    form = Form()
    if signed_in and not other_account and form.validate_on_submit():
        return accepted(invitation, token, account, None)
    if form.is_submitted():
        refuse_form(invitation, form, "another account" if other_account else "not signed in")
    html = render_template(
        "partners/accept.html",
        form=form,
        invitation=invitation,
        token=token,
        existing=account,
        other_account=other_account,
        login_url=url_for("auth.login", next=url_for("partners_invite.accept", token=token)),
    )
    return (html, 403) if other_account or form.is_submitted() else html


def accepted(
    invitation: Invitation, token: str, account: User | None, password_hash: str | None
) -> RequestAnswer:
    """Claim the invitation (once only), add its grants, tell whom it concerns."""
    if not service.claim(invitation):
        service.refuse("partners.invitation.unusable_link", target=f"invitation:{invitation.id}")
        return unusable_page(invitation, token, "accepted")
    user, created = service.accept(invitation, account, password_hash)
    db.session.commit()
    if created:
        notify_event("intranet_user_created", user=user)
    service.announce_grants(user)
    notices.announce_acceptance(invitation, user)
    if created:
        start_session(user)
        flash(f"Welcome, {user.name}. Below is what you have access to.", "success")
    else:
        flash("The invitation is accepted. Below is what you have access to now.", "success")
    return redirect(url_for("partners.me"), code=303)


def refuse_form(invitation: Invitation, form: Form, *problems: str) -> None:
    service.refuse(
        "partners.invitation.refused",
        target=f"invitation:{invitation.id}",
        problems=sorted([*problems, *(str(name) for name in form.errors)]),
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
            send_mail(person.email, f"{invitation.name} asks for a new invitation link", text)
        invitation.new_link_requested_at = utcnow()
        record_audit("partners.invitation.new_link_requested", target=f"invitation:{invitation.id}")
        db.session.commit()
    return render_template("partners/invite_asked.html", invitation=invitation)
