"""Editing one's own directory profile."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from intranet.access import EVERYONE, roles
from intranet.directory.forms import ProfileForm, WelcomeForm
from intranet.extensions import db
from intranet.models import User
from intranet.platform.audit import record
from intranet.privacy.audiences import GUEST_NOTE, field_audiences
from intranet.web import render_form

bp = Blueprint("profile", __name__)

PROFILE_FIELDS = (
    "name",
    "position",
    "phone",
    "phone_visibility",
    "email_visibility",
    "expertise",
    "languages",
    "bio",
    "timezone",
    "notification_preference",
)


@bp.route("/profile", methods=["GET", "POST"])
@roles(*EVERYONE)
def edit() -> str | tuple[str, int] | Response:
    user: User = current_user._get_current_object()
    form = ProfileForm(obj=user if request.method == "GET" else None)
    if request.method == "GET":
        form.organisation_id.data = str(user.organisation_id or "")
    if form.validate_on_submit():
        save_fields(user, form, PROFILE_FIELDS)
        if user.mail_every_post != form.mail_every_post.data:
            user.mail_every_post = form.mail_every_post.data
            record("profile.updated", target=f"user:{user.id}", fields=["mail_every_post"])
        db.session.commit()
        flash("Your profile is saved.", "success")
        return redirect(url_for("directory.member_profile", member_id=user.id), code=303)
    return render_form(
        "profile/edit.html",
        form,
        audiences=field_audiences(user),
        guest_note=GUEST_NOTE,
    )


def save_fields(user: User, form: WelcomeForm, fields: tuple[str, ...]) -> list[str]:
    """Copy `fields` and the organisation from `form` to `user` and audit what changed (the
    caller commits); returns the names of the changed fields."""
    changed = []
    for name in fields:
        value = getattr(form, name).data or None
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed.append(name)
    organisation_id = int(form.organisation_id.data) if form.organisation_id.data else None
    if user.organisation_id != organisation_id:
        user.organisation_id = organisation_id
        changed.append("organisation_id")
    if changed:
        record("profile.updated", target=f"user:{user.id}", fields=changed)
    return changed


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
