"""Two-factor authentication (TOTP, RFC 6238) with single-use recovery codes.

After the password, a user with two-factor enabled is asked for a code on /login/verify; the
login is only completed there. A used code cannot be used again (the last accepted time step is
stored), attempts are throttled like passwords, and roles listed in TWO_FACTOR_REQUIRED_ROLES
must enrol before they can use anything else.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from datetime import datetime, timedelta
from typing import Any

import pyotp
import segno
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import delete, select, update
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from intranet.access import EVERYONE, public, roles
from intranet.accounts import security
from intranet.accounts.sessions import landing_url, start_session
from intranet.extensions import db
from intranet.forms import Form
from intranet.models import RecoveryCode, User, utcnow
from intranet.platform.audit import client_ip, record
from intranet.web import plural, render_form

bp = Blueprint("twofactor", __name__)

PENDING = "2fa_pending"
ENROLMENT_KEY = "2fa_new_secret"
ENROLMENT_MASK = "2fa_new_qr_mask"  # the QR code's mask, chosen once per secret (see _qr_data_uri)
PENDING_MAX_AGE = timedelta(minutes=5)
RECOVERY_CODE_COUNT = 10
STEP_SECONDS = 30
ALLOWED_WHILE_ENROLLING = {
    "twofactor.security",
    "twofactor.confirm",
    "auth.logout",
    "privacy.notice",
    "static",
}


class CodeForm(Form):
    code = StringField(
        "Code",
        validators=[DataRequired(), Length(max=32)],
        description="The 6-digit code from your authenticator app, or one of your recovery codes.",
    )


class ConfirmForm(Form):
    code = StringField(
        "Code from the app",
        validators=[DataRequired(), Length(max=32)],
        description="Enter the 6-digit code your app shows, to confirm it is set up.",
    )


class PasswordAndCodeForm(Form):
    password = PasswordField("Current password", validators=[DataRequired()])
    code = StringField(
        "Code from the app or a recovery code", validators=[DataRequired(), Length(max=32)]
    )


class PasswordForm(Form):
    password = PasswordField("Current password", validators=[DataRequired()])


# --- codes -----------------------------------------------------------------------------------


def verify_totp(user: User, code: str) -> bool:
    """Accept the current code (or its neighbours, for clock drift) once: never a reused one."""
    code = re.sub(r"\s", "", code)
    if not user.totp_secret or not re.fullmatch(r"\d{6}", code):
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now_step = int(time.time()) // STEP_SECONDS
    for step in (now_step - 1, now_step, now_step + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            last = User.totp_last_step
            claimed = db.session.execute(
                update(User)
                .where(User.id == user.id, (last.is_(None)) | (last < step))
                .values(totp_last_step=step)
            )
            return claimed.rowcount == 1
    return False


def _normalised(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def _code_hash(user_id: int, code: str) -> str:
    """SHA-256 of the code, salted with the user: no secret key involved, so a code works on
    every host and after a restore or a key rotation.

    A plain hash suffices because the codes are random (50 bits each) and single-use, not
    chosen by people; whoever reads the table could read the TOTP secrets beside it anyway.
    """
    return hashlib.sha256(f"recovery-code:{user_id}:{_normalised(code)}".encode()).hexdigest()


def _legacy_code_hash(code: str) -> str:
    """The form codes had before: HMAC keyed with the secret key. Such rows cannot be rehashed
    (only their hash is known), so they keep working on hosts with the key they were made with,
    until the user renews the codes."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, _normalised(code).encode(), hashlib.sha256).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; returns the plain codes to show once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=_code_hash(user.id, c)) for c in codes
    )
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash.in_([_code_hash(user.id, code), _legacy_code_hash(code)]),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    return used.rowcount == 1


def check_code(user: User, code: str) -> str | None:
    """'totp' or 'recovery' when the code is valid for `user`, None otherwise."""
    if verify_totp(user, code):
        return "totp"
    if len(_normalised(code)) == 10 and use_recovery_code(user, code):
        return "recovery"
    return None


def required_for(user: User) -> bool:
    return user.role in current_app.config["TWO_FACTOR_REQUIRED_ROLES"]


# --- the second login step --------------------------------------------------------------------


def begin_second_step(user: User, remember: bool, next_url: str) -> Response:
    """Called by the login view once the password is right for a user with two-factor."""
    session.clear()
    session[PENDING] = {
        "user": f"{user.id}:{user.session_version}",
        "remember": remember,
        "next": next_url,
        "at": utcnow().isoformat(),
    }
    return redirect(url_for("twofactor.verify"))


def _pending_user() -> tuple[User | None, dict[str, Any]]:
    pending = session.get(PENDING) or {}
    if not pending or utcnow() - datetime.fromisoformat(pending["at"]) > PENDING_MAX_AGE:
        return None, {}
    user_id, _, version = pending["user"].partition(":")
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or str(user.session_version) != version:
        return None, {}
    return user, pending


@bp.route("/login/verify", methods=["GET", "POST"])
@public
def verify() -> str | Response | tuple[str, int]:
    user, pending = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash("Sign in again: the code must follow the password within five minutes.", "warning")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        key, ip = f"2fa:{user.id}", client_ip() or "unknown"
        wait = security.throttle_wait(key, ip)
        if wait:
            form.code.errors.append(
                f"Too many wrong codes. Try again in {plural(max(1, round(wait / 60)), 'minute')}."
            )
            return render_form("auth/verify.html", form, status=429)
        method = check_code(user, form.code.data)
        if method:
            security.clear_failed_logins(key)
            user.last_login_at = utcnow()
            record("login", target=f"user:{user.id}", actor=user, second_factor=method)
            db.session.commit()
            start_session(user, remember=pending["remember"])
            if method == "recovery":
                flash("You signed in with a recovery code; it cannot be used again.", "warning")
            next_url = pending["next"]
            return redirect(landing_url(user, next_url))
        db.session.rollback()
        security.record_failed_login(key, ip)
        record("login.failed", target=f"user:{user.id}", actor=user, reason="second factor")
        db.session.commit()
        form.code.errors.append("This code is not valid (or was already used).")
    return render_form("auth/verify.html", form)


# --- enrolment and management ----------------------------------------------------------------


def _qr_data_uri(secret: str, user: User) -> str:
    """The enrolment QR code. Choosing its mask (the pattern that makes it easiest to scan)
    takes three quarters of the work, so the choice is kept in the session with the secret:
    showing the page again draws the same image in a quarter of the time."""
    uri = pyotp.TOTP(secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["SITE_NAME"]
    )
    kept = session.get(ENROLMENT_MASK)
    qr = segno.make(uri, error="m", mask=kept if kept in range(8) else None)
    session[ENROLMENT_MASK] = qr.mask
    return qr.svg_data_uri(scale=5, border=2)


@bp.get("/account/security", endpoint="security")
@roles(*EVERYONE)
def security_page() -> str:
    user: User = current_user._get_current_object()
    context: dict[str, Any] = {"required": required_for(user)}
    if not user.has_two_factor:
        secret = session.get(ENROLMENT_KEY)
        if not secret:
            secret = session[ENROLMENT_KEY] = pyotp.random_base32()
            session.pop(ENROLMENT_MASK, None)
        context.update(secret=secret, qr=_qr_data_uri(secret, user), confirm_form=ConfirmForm())
    else:
        context.update(
            disable_form=PasswordAndCodeForm(),
            codes_form=PasswordForm(),
            codes_left=db.session.scalar(
                select(db.func.count()).where(
                    RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
                )
            ),
        )
    return render_template("auth/security.html", **context)


@bp.post("/account/security/two-factor/confirm")
@roles(*EVERYONE)
def confirm() -> str | Response | tuple[str, int]:
    user: User = current_user._get_current_object()
    secret = session.get(ENROLMENT_KEY)
    if user.has_two_factor or not secret:
        return redirect(url_for("twofactor.security"), code=303)
    form = ConfirmForm()
    if form.validate_on_submit():
        user.totp_secret = secret
        user.totp_last_step = None
        if verify_totp(user, form.code.data):
            user.totp_enabled_at = utcnow()
            codes = new_recovery_codes(user)
            record("two_factor.enabled", target=f"user:{user.id}")
            db.session.commit()
            session.pop(ENROLMENT_KEY, None)
            session.pop(ENROLMENT_MASK, None)
            return render_template("auth/recovery_codes.html", codes=codes)
        db.session.rollback()
        form.code.errors.append(
            "This code does not match. Check the time on your phone and enter the current code."
        )
    return render_template(
        "auth/security.html",
        required=required_for(user),
        secret=secret,
        qr=_qr_data_uri(secret, user),
        confirm_form=form,
    ), 422


def _check_password_and_code(form: PasswordAndCodeForm | PasswordForm, user: User) -> bool:
    if not security.verify_password(user, form.password.data):
        form.password.errors.append("This is not your current password.")
        return False
    if isinstance(form, PasswordAndCodeForm) and not check_code(user, form.code.data):
        form.code.errors.append("This code is not valid (or was already used).")
        return False
    return True


@bp.post("/account/security/two-factor/disable")
@roles(*EVERYONE)
def disable() -> str | Response | tuple[str, int]:
    user: User = current_user._get_current_object()
    if not user.has_two_factor:
        return redirect(url_for("twofactor.security"), code=303)
    if required_for(user):
        abort(403)
    form = PasswordAndCodeForm()
    if form.validate_on_submit() and _check_password_and_code(form, user):
        user.totp_secret = None
        user.totp_enabled_at = None
        user.totp_last_step = None
        db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
        record("two_factor.disabled", target=f"user:{user.id}")
        db.session.commit()
        flash("Two-factor authentication is off.", "success")
        return redirect(url_for("twofactor.security"), code=303)
    db.session.rollback()
    return render_template(
        "auth/security.html",
        required=False,
        disable_form=form,
        codes_form=PasswordForm(),
        codes_left=None,
    ), 422


@bp.post("/account/security/two-factor/recovery-codes")
@roles(*EVERYONE)
def recovery_codes() -> str | Response | tuple[str, int]:
    user: User = current_user._get_current_object()
    if not user.has_two_factor:
        return redirect(url_for("twofactor.security"), code=303)
    form = PasswordForm()
    if form.validate_on_submit() and _check_password_and_code(form, user):
        codes = new_recovery_codes(user)
        record("two_factor.recovery_codes_renewed", target=f"user:{user.id}")
        db.session.commit()
        return render_template("auth/recovery_codes.html", codes=codes)
    return render_template(
        "auth/security.html",
        required=required_for(user),
        disable_form=PasswordAndCodeForm(),
        codes_form=form,
        codes_left=None,
    ), 422


def enforce_enrolment() -> Response | None:
    """Users whose role requires two-factor must enrol before anything else."""
    if (
        request.endpoint in ALLOWED_WHILE_ENROLLING
        or not current_user.is_authenticated
        or current_user.has_two_factor
        or not required_for(current_user)
    ):
        return None
    if request.method != "GET" or request.headers.get("HX-Request"):
        abort(403)
    flash("Your role requires two-factor authentication. Set it up to continue.", "warning")
    return redirect(url_for("twofactor.security"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.before_request(enforce_enrolment)
