"""Logging in and out, forgotten and changed passwords."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user
from sqlalchemy import func, or_, select
from werkzeug.wrappers import Response

from intranet.access import EVERYONE, public, roles
from intranet.accounts import security, twofactor
from intranet.accounts.sessions import (
    enforce_session_timeouts,
    landing_url,
    revoke,
    start_session,
)
from intranet.accounts.users import ACTIVATION_PURPOSE
from intranet.extensions import db, login_manager
from intranet.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, NewPasswordForm
from intranet.models import User, utcnow
from intranet.platform import mail, outbox
from intranet.platform.audit import client_ip, record
from intranet.platform.outbox import OutgoingMail
from intranet.web import render_form

bp = Blueprint("auth", __name__)

RESET_PURPOSE = "password-reset"
MAX_RESET_MAILS_PER_HOUR = 3


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> str | Response | tuple[str, int]:
    next_url = request.values.get("next", "")
    if current_user.is_authenticated:
        return redirect(next_url if security.is_safe_next(next_url) else url_for("views.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        ip = client_ip() or "unknown"
        wait = security.throttle_wait(email, ip)
        if wait:
            minutes = max(1, round(wait / 60))
            form.email.errors.append(
                f"Too many failed attempts. Try again in {minutes} minute{'s' * (minutes > 1)}, "
                "or reset your password."
            )
            return render_form("auth/login.html", form, status=429, next_url=next_url)
        user = find_user(email)
        if user is None:
            security.burn_password_check()
        if user is not None and security.verify_password(user, form.password.data):
            if not user.is_active:
                form.email.errors.append("This account is deactivated. Contact the secretariat.")
                record("login.refused", target=f"user:{user.id}", actor=user, reason="inactive")
                db.session.commit()
                return render_form("auth/login.html", form, status=403, next_url=next_url)
            security.clear_failed_logins(email)
            if user.has_two_factor:
                db.session.commit()
                return twofactor.begin_second_step(user, form.remember.data, next_url)
            user.last_login_at = utcnow()
            record("login", target=f"user:{user.id}", actor=user)
            db.session.commit()
            start_session(user, remember=form.remember.data)
            return redirect(landing_url(user, next_url))
        security.record_failed_login(email, ip)
        record("login.failed", target=email)
        db.session.commit()
        form.password.errors.append("The email address or password is not correct.")
    return render_form("auth/login.html", form, next_url=next_url)


@bp.post("/logout")
@roles(*EVERYONE)
def logout() -> Response:
    """Sessions are signed cookies, so the server revokes this one: a copy of the cookie opens
    nothing afterwards, and the user's other devices stay signed in."""
    user: User = current_user._get_current_object()
    revoke(user)
    record("logout", target=f"user:{user.id}")
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.post("/account/security/sign-out-everywhere")
@roles(*EVERYONE)
def sign_out_everywhere() -> Response:
    return _end_every_session(
        "sessions.ended", "You are signed out everywhere.", reason="signed out everywhere"
    )


def _end_every_session(action: str, message: str, **details: str) -> Response:
    user: User = current_user._get_current_object()
    user.end_all_sessions()
    record(action, target=f"user:{user.id}", **details)
    db.session.commit()
    logout_user()
    session.clear()
    flash(message, "info")
    return redirect(url_for("auth.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot_password() -> str | Response | tuple[str, int]:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = find_user(form.email.data)
        if (
            user is not None
            and user.is_active
            and _reset_mails_last_hour(user) < MAX_RESET_MAILS_PER_HOUR
        ):
            token = security.issue_token(
                user, RESET_PURPOSE, timedelta(seconds=current_app.config["PASSWORD_RESET_MAX_AGE"])
            )
            record("password.reset_requested", target=f"user:{user.id}", actor=user)
            send_reset_mail(user, token)
            db.session.commit()
        flash(
            "If an account exists for that address, we have sent it a link to choose a new "
            "password. The link works once, for one hour.",
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_form("auth/forgot_password.html", form)


def _reset_mails_last_hour(user: User) -> int:
    """Reset mails of the last hour that reached the user or may still reach them: a mail whose
    delivery has failed (mail server down) does not count, so an outage never locks anyone out."""
    since = utcnow() - timedelta(hours=1)
    return db.session.scalar(
        select(func.count()).where(
            OutgoingMail.recipient == user.email,
            OutgoingMail.category == RESET_PURPOSE,
            OutgoingMail.created_at > since,
            or_(
                OutgoingMail.status == outbox.SENT,
                OutgoingMail.status.in_((outbox.QUEUED, outbox.SENDING))
                & (OutgoingMail.attempts == 0),
            ),
        )
    )


def send_reset_mail(user: User, token: str) -> None:
    """Queue the reset link in the current transaction (the caller commits)."""
    link = mail.external_url("auth.reset_password", token=token)
    site = current_app.config["SITE_NAME"]
    mail.queue_mail(
        user.email,
        f"{site}: choose a new password",
        render_template("mail/password_reset.txt", user=user, link=link, site=site),
        render_template("mail/password_reset.html", user=user, link=link, site=site),
        category=RESET_PURPOSE,
    )


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str) -> str | Response | tuple[str, int]:
    record_ = security.peek_token(token, RESET_PURPOSE) or security.peek_token(
        token, ACTIVATION_PURPOSE
    )
    if record_ is None:
        return render_template("auth/reset_invalid.html"), 400
    user = db.session.get(User, record_.user_id)
    form = NewPasswordForm()
    if form.validate_on_submit():
        problem = security.password_problem(form.password.data, email=user.email, name=user.name)
        if problem:
            form.password.errors.append(problem)
        elif not security.consume_token(record_):
            db.session.rollback()
            return render_template("auth/reset_invalid.html"), 400
        else:
            user.password_hash = security.hash_password(form.password.data)
            user.end_all_sessions()
            security.revoke_tokens(user, RESET_PURPOSE)
            security.revoke_tokens(user, ACTIVATION_PURPOSE)
            security.clear_failed_logins(user.email)
            record("password.reset", target=f"user:{user.id}", actor=user)
            db.session.commit()
            flash("Your new password is set. Sign in with it.", "success")
            return redirect(url_for("auth.login"))
    return render_form("auth/reset_password.html", form, token=token)


@bp.route("/account/password", methods=["GET", "POST"])
@roles(*EVERYONE)
def change_password() -> str | Response | tuple[str, int]:
    form = ChangePasswordForm()
    user: User = current_user._get_current_object()
    if form.validate_on_submit():
        problem = security.password_problem(form.password.data, email=user.email, name=user.name)
        if not security.verify_password(user, form.current_password.data):
            form.current_password.errors.append("This is not your current password.")
        elif problem:
            form.password.errors.append(problem)
        else:
            user.password_hash = security.hash_password(form.password.data)
            user.end_all_sessions()
            record("password.changed", target=f"user:{user.id}")
            db.session.commit()
            start_session(user)
            flash("Your password is changed. Your other sessions have been signed out.", "success")
            return redirect(url_for("views.dashboard"))
    return render_form("auth/change_password.html", form)


@bp.post("/account/security/sign-out-others")
@roles(*EVERYONE)
def sign_out_others() -> Response:
    user: User = current_user._get_current_object()
    user.end_all_sessions()
    record("sessions.ended", target=f"user:{user.id}", reason="signed out other sessions")
    db.session.commit()
    start_session(user)
    flash("Your other sessions have been signed out.", "success")
    return redirect(url_for("twofactor.security"), code=303)


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    app.register_blueprint(bp)
    app.before_request(enforce_session_timeouts)
