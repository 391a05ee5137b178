"""The first sign-in setup: a short, skippable page for a new account, asked once.

Accounts made by `create-user`, the admin's form or an import are marked `welcome_pending`;
their sign-in leads here (`intranet.accounts.sessions.landing_url`). Saving or skipping clears
the mark and leads on to the page the person came for, or the dashboard. The administrator
made by `intranet init` and the demo people are not asked.
"""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from intranet.access import EVERYONE, roles
from intranet.accounts.security import is_safe_next
from intranet.directory.forms import WelcomeForm
from intranet.directory.profile import save_fields
from intranet.extensions import db
from intranet.models import User
from intranet.web import render_form

bp = Blueprint("welcome", __name__)

WELCOME_FIELDS = ("phone", "phone_visibility", "timezone", "notification_preference")


def _onward() -> Response:
    wanted = request.values.get("next", "")
    target = wanted if is_safe_next(wanted) else url_for("views.dashboard")
    return redirect(target, code=303 if request.method == "POST" else 302)


@bp.route("/welcome", methods=["GET", "POST"])
@roles(*EVERYONE)
def setup() -> str | tuple[str, int] | Response:
    user: User = current_user._get_current_object()
    if not user.welcome_pending:
        return _onward()
    form = WelcomeForm(obj=user if request.method == "GET" else None)
    if request.method == "GET":
        form.organisation_id.data = str(user.organisation_id or "")
    if request.method == "POST" and "skip" in request.form:  # CSRFProtect checked the token
        user.welcome_pending = False
        db.session.commit()
        return _onward()
    if form.validate_on_submit():
        save_fields(user, form, WELCOME_FIELDS)
        user.welcome_pending = False
        db.session.commit()
        flash("Your settings are saved. You can change them any time under Profile.", "success")
        return _onward()
    return render_form("welcome/setup.html", form, next_url=request.values.get("next", ""))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
