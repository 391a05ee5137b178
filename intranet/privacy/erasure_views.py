"""The pages of erasure: a member's request on their profile, the secretariat's decisions,
an admin's direct erasure and the retention preview (the rules are in `privacy.erasure`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from intranet.access import EVERYONE, STAFF, roles
from intranet.extensions import db
from intranet.forms import Form
from intranet.models import User, utcnow
from intranet.platform.audit import record
from intranet.platform.notifications import notify
from intranet.privacy.erasure import (
    ErasureRefused,
    ErasureRequest,
    blockers,
    blockers_of,
    erase_account,
    retention_candidates,
)
from intranet.web import render_form, wants_fragment

bp = Blueprint("erasure", __name__)


# --- forms ------------------------------------------------------------------------------------


class RequestForm(Form):
    reason = TextAreaField(
        "Reason (optional)",
        validators=[Optional(), Length(max=2000)],
        description="Only the secretariat sees it; it is wiped with your data.",
    )
    confirm = BooleanField(
        "I understand that my account and my personal data will be erased for good.",
        validators=[DataRequired("Tick the box to confirm.")],
    )


class CancelForm(Form):
    pass


class DeclineForm(Form):
    decline_reason = TextAreaField(
        "Reason for declining",
        validators=[DataRequired("Say why, for the member."), Length(max=2000)],
    )


class EraseForm(Form):
    confirm = BooleanField(
        "Erase this account's personal data for good.",
        validators=[DataRequired("Tick the box to confirm.")],
    )


# --- the member's side ------------------------------------------------------------------------


def pending_request(user: User) -> ErasureRequest | None:
    return db.session.scalar(
        select(ErasureRequest).where(
            ErasureRequest.user_id == user.id, ErasureRequest.status == "pending"
        )
    )


def latest_request(user: User) -> ErasureRequest | None:
    return db.session.scalar(
        select(ErasureRequest)
        .where(ErasureRequest.user_id == user.id)
        .order_by(ErasureRequest.requested_at.desc(), ErasureRequest.id.desc())
        .limit(1)
    )


@bp.route("/profile/erasure", methods=["GET", "POST"])
@roles(*EVERYONE)
def request_erasure() -> str | tuple[str, int] | Response:
    user: User = current_user._get_current_object()
    form = RequestForm()
    pending = pending_request(user)
    if pending is None and form.validate_on_submit():
        db.session.add(ErasureRequest(user_id=user.id, reason=(form.reason.data or "").strip()))
        record("erasure.requested", target=f"user:{user.id}")
        db.session.commit()
        staff = db.session.scalars(
            select(User).where(User.role.in_(STAFF), User.is_active_account.is_(True))
        )
        notify(
            staff,
            "erasure.requested",
            f"{user.name} asks for their account to be erased",
            "Confirm or decline the request; the list shows what they must hand over first.",
            url_for("erasure.requests"),
        )
        flash("Your request is sent. The secretariat will confirm it or contact you.", "success")
        return redirect(url_for("erasure.request_erasure"), code=303)
    return render_form(
        "erasure/request.html",
        form,
        pending=pending,
        latest=latest_request(user),
        cancel_form=CancelForm(formdata=None),
        blockers=blockers(user),
    )


@bp.post("/profile/erasure/cancel")
@roles(*EVERYONE)
def cancel_request() -> Response:
    form = CancelForm()
    pending = pending_request(current_user)
    if form.validate_on_submit() and pending is not None:
        pending.status = "cancelled"
        pending.decided_at = utcnow()
        pending.decided_by_id = current_user.id
        record("erasure.cancelled", target=f"user:{current_user.id}")
        db.session.commit()
        flash("Your request is withdrawn; your account stays as it is.", "success")
    return redirect(url_for("erasure.request_erasure"), code=303)


# --- the secretariat's side -------------------------------------------------------------------


def request_view(
    item: ErasureRequest, duties: list[str], submitted: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One pending request on the list: what blocks it, and its two forms, whose fields carry
    the request's id so that the labels of one request never point at another's fields."""
    submitted = submitted or {}
    prefix = f"request-{item.id}"
    return {
        "request": item,
        "blockers": duties,
        "refused": submitted.get("refused", []),
        "erase_form": submitted.get("erase_form") or EraseForm(formdata=None, prefix=prefix),
        "decline_form": submitted.get("decline_form") or DeclineForm(formdata=None, prefix=prefix),
    }


def staff_page(
    status: int | None = None, submitted_for: int | None = None, **submitted: Any
) -> str | tuple[str, int]:
    requests = db.session.scalars(
        select(ErasureRequest)
        .where(ErasureRequest.status == "pending")
        .options(joinedload(ErasureRequest.user))
        .order_by(ErasureRequest.requested_at, ErasureRequest.id)
    ).all()
    duties = blockers_of([item.user for item in requests])
    rows = [
        request_view(
            item, duties.get(item.user_id, []), submitted if item.id == submitted_for else None
        )
        for item in requests
    ]
    html = render_template("erasure/requests.html", rows=rows)
    return (html, status) if status else html


def get_pending(request_id: int) -> ErasureRequest:
    item = db.session.get(ErasureRequest, request_id)
    if item is None:
        abort(404)
    return item


def decided(item: ErasureRequest, message: str) -> str | Response:
    if wants_fragment():
        return render_template("erasure/_decided.html", message=message)
    flash(message, "success")
    return redirect(url_for("erasure.requests"), code=303)


@bp.get("/admin/erasure")
@roles(*STAFF)
def requests() -> str | tuple[str, int]:
    return staff_page()


@bp.post("/admin/erasure/<int:request_id>/confirm")
@roles(*STAFF)
def confirm(request_id: int) -> str | tuple[str, int] | Response:
    item = get_pending(request_id)
    form = EraseForm(prefix=f"request-{item.id}")
    if item.status != "pending":
        return decided(item, "This request was already decided.")
    if not form.validate_on_submit():
        return refuse_row(item, erase_form=form)
    if item.user.role == "admin" and current_user.role != "admin":
        form.confirm.errors.append("Only administrators may erase an administrator's account.")
        return refuse_row(item, erase_form=form)
    try:
        erase_account(item.user, actor=current_user, via="request")
    except ErasureRefused as refusal:
        return refuse_row(item, refused=refusal.blockers)
    return decided(item, f"Account #{item.user_id} is erased.")


@bp.post("/admin/erasure/<int:request_id>/decline")
@roles(*STAFF)
def decline(request_id: int) -> str | tuple[str, int] | Response:
    item = get_pending(request_id)
    form = DeclineForm(prefix=f"request-{item.id}")
    if item.status != "pending":
        return decided(item, "This request was already decided.")
    if not form.validate_on_submit():
        return refuse_row(item, decline_form=form)
    item.status = "declined"
    item.decided_at = utcnow()
    item.decided_by_id = current_user.id
    item.decline_reason = form.decline_reason.data.strip()
    record("erasure.declined", target=f"user:{item.user_id}")
    db.session.commit()
    return decided(item, f"The request of {item.user.name} is declined.")


def refuse_row(item: ErasureRequest, **submitted: Any) -> str | tuple[str, int]:
    """The request again with the errors: the request alone for htmx, the list otherwise."""
    if wants_fragment():
        row = request_view(item, blockers(item.user), submitted)
        return render_template("erasure/_request.html", row=row), 422
    return staff_page(status=422, submitted_for=item.id, **submitted)


@bp.route("/admin/users/<int:user_id>/erase", methods=["GET", "POST"])
@roles("admin")
def erase_user(user_id: int) -> str | tuple[str, int] | Response:
    """An admin erases an account without a request (e.g. at the person's written demand)."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = EraseForm()
    refused: list[str] = []
    if user.erased_at is None and form.validate_on_submit():
        if user.id == current_user.id:
            form.confirm.errors.append("Ask another administrator to erase your own account.")
        else:
            try:
                erase_account(user, actor=current_user, via="admin")
            except ErasureRefused as refusal:
                refused = refusal.blockers
            else:
                flash(f"Account #{user.id} is erased.", "success")
                return redirect(url_for("admin_users.detail", user_id=user.id), code=303)
    found = refused or (blockers(user) if user.erased_at is None else [])
    status = 422 if refused else None
    return render_form("erasure/erase_user.html", form, status=status, user=user, blockers=found)


@bp.get("/admin/erasure/retention")
@roles(*STAFF)
def retention_preview() -> str:
    return render_template(
        "erasure/retention.html",
        candidates=retention_candidates(),
        guest_months=current_app.config["RETENTION_GUEST_MONTHS"],
        member_months=current_app.config["RETENTION_MEMBER_MONTHS"],
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
