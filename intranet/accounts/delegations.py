"""Delegations are staff decisions: staff set a member's country, a member may ask for a change.

A member's delegation grants rights elsewhere (e.g. closing that delegation's action items), so
it rests on data only staff set: the profile form has no country, a member's request waits for
the secretariat, and every change is audited. Guests belong to no delegation.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from intranet.access import MEMBERS, STAFF, roles
from intranet.accounts.users import set_delegation
from intranet.administration.users import done, get_user, refused
from intranet.directory.forms import DelegationForm
from intranet.extensions import db
from intranet.models import DelegationRequest, User, utcnow
from intranet.platform.audit import record
from intranet.platform.notifications import notify
from intranet.web import render_form

bp = Blueprint("delegations", __name__)


def pending_requests() -> list[DelegationRequest]:
    """Requests staff still have to decide, oldest first."""
    return list(
        db.session.scalars(
            select(DelegationRequest)
            .where(DelegationRequest.decision.is_(None))
            .options(joinedload(DelegationRequest.user), joinedload(DelegationRequest.country))
            .order_by(DelegationRequest.requested_at, DelegationRequest.id)
        )
    )


def pending_request_of(user: User) -> DelegationRequest | None:
    return db.session.scalar(
        select(DelegationRequest).where(
            DelegationRequest.user_id == user.id, DelegationRequest.decision.is_(None)
        )
    )


@bp.route("/profile/delegation", methods=["GET", "POST"])
@roles(*MEMBERS)
def request_change() -> str | tuple[str, int] | Response:
    user: User = current_user._get_current_object()
    pending = pending_request_of(user)
    form = DelegationForm(country_code=pending.country_code if pending else user.country_code)
    if form.validate_on_submit():
        code = form.country_code.data or None
        if code is None or code == user.country_code:
            form.country_code.errors.append("Choose a delegation other than your current one.")
        else:
            if pending is None:
                pending = DelegationRequest(user_id=user.id)
                db.session.add(pending)
            pending.country_code, pending.requested_at = code, utcnow()
            record("user.delegation_requested", target=f"user:{user.id}", country=code)
            db.session.commit()
            flash("Your request is sent; the secretariat will confirm it.", "success")
            return redirect(url_for("profile.edit"), code=303)
    return render_form("profile/delegation.html", form, pending=pending)


@bp.post("/admin/users/<int:user_id>/delegation")
@roles(*STAFF)
def set_by_staff(user_id: int) -> str | tuple[str, int] | Response:
    user = get_user(user_id)
    form = DelegationForm()
    if not form.validate_on_submit():
        return refused(user, delegation_form=form)
    code = form.country_code.data or None
    if user.is_guest and code:
        return refused(user, message="Guests belong to no delegation.", category="error")
    set_delegation(user, code)
    db.session.commit()
    return done(user, f"{user.name}'s delegation is saved.")


OUTCOMES = {"confirm": "confirmed", "decline": "declined"}


@bp.post("/admin/users/delegation-requests/<int:request_id>/<any(confirm, decline):decision>")
@roles(*STAFF)
def decide(request_id: int, decision: str) -> Response:
    """Staff decide; a member who became a guest meanwhile is declined (guests have none)."""
    request_ = db.session.get(DelegationRequest, request_id)
    if request_ is None or request_.decision is not None:
        abort(404)
    user, country = request_.user, request_.country
    outcome = "declined" if user.is_guest else OUTCOMES[decision]
    request_.decision, request_.decided_at, request_.decided_by_id = (
        outcome,
        utcnow(),
        current_user.id,
    )
    if outcome == "confirmed":
        set_delegation(user, country.code)
    record(f"user.delegation_request_{outcome}", target=f"user:{user.id}", country=country.code)
    db.session.commit()
    notify(
        [user],
        f"core.delegation_{outcome}",
        f"Your request to join the delegation of {country.name} was {outcome}",
        url=url_for("delegations.request_change"),
    )
    flash(f"{user.name}'s request to join {country.name} is {outcome}.", "success")
    return redirect(url_for("admin_users.index"), code=303)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["pending_delegation_requests"] = pending_requests
