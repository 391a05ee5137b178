"""Sessions: who a signed cookie belongs to, when it ends, and a fresh one at sign-in.

A session carries the user's session version and a token of its own (`User.get_id`). Bumping
the version (`User.end_all_sessions`) ends every session of the user; signing out revokes just
the one token (`revoke`), so the other devices stay signed in. Either way a copy of the cookie
opens nothing afterwards, and the check rides in the statement that loads the user.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import Flask, abort, current_app, flash, redirect, request, session, url_for
from flask_login import login_user, logout_user, user_loaded_from_cookie
from sqlalchemy import bindparam, delete, exists, select
from werkzeug.wrappers import Response

from intranet.accounts.security import is_safe_next
from intranet.extensions import db, login_manager
from intranet.models import RevokedSession, User, utcnow

# Built once: every request of a signed-in user runs it, and building it took half its time.
SESSION_USER = select(
    User, exists().where(RevokedSession.token_digest == bindparam("token_digest"))
).where(User.id == bindparam("user_id"))


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """A stale version, a revoked token or a deactivated user ends the session."""
    user_id, version, token = [*session_id.split(":"), "", ""][:3]
    if not user_id.isdigit() or not token:
        return None
    found = {"token_digest": digest(token), "user_id": int(user_id)}
    row = db.session.execute(SESSION_USER, found).first()
    if row is None:
        return None
    user, is_revoked = row
    if is_revoked or not user.is_active or str(user.session_version) != version:
        return None
    user.session_token = token
    return user


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, remember: bool = False) -> None:
    """A fresh session for a fresh login (no fixation), marked with the login time."""
    session.clear()
    user.session_token = secrets.token_urlsafe(18)
    login_user(user, remember=remember)
    now = utcnow().isoformat()
    session.update(login_at=now, seen_at=now, remember=remember)


def revoke(user: User) -> None:
    """End the session `user` was loaded for, and only that one, copies of its cookie included.

    The digest is kept as long as any cookie of the session could still be valid.
    """
    if not user.session_token:
        return
    lifetime = max(
        current_app.config["REMEMBER_COOKIE_DURATION"],
        current_app.config["SESSION_ABSOLUTE_TIMEOUT"],
    )
    lifetime = lifetime.total_seconds() if isinstance(lifetime, timedelta) else lifetime
    db.session.merge(
        RevokedSession(
            token_digest=digest(user.session_token),
            user_id=user.id,
            expires_at=utcnow() + timedelta(seconds=lifetime),
        )
    )


def forget_expired_revocations() -> None:
    """The scheduled clean-up: a revoked session past every cookie's lifetime needs no row."""
    db.session.execute(delete(RevokedSession).where(RevokedSession.expires_at < utcnow()))
    db.session.commit()


@user_loaded_from_cookie.connect
def _restored_from_cookie(app: Flask, user: User) -> None:
    now = utcnow().isoformat()
    session.update(login_at=now, seen_at=now, remember=True)


def enforce_session_timeouts() -> Response | None:
    """End a session idle too long or older than the absolute limit ("remember me": 14 days)."""
    if "_user_id" not in session or "login_at" not in session:
        return None
    config = current_app.config
    now = utcnow()
    remembered = session.get("remember", False)
    absolute = (
        config["REMEMBER_COOKIE_DURATION"] if remembered else config["SESSION_ABSOLUTE_TIMEOUT"]
    )
    login_at = datetime.fromisoformat(session["login_at"])
    seen_at = datetime.fromisoformat(session.get("seen_at", session["login_at"]))
    idle = (now - seen_at).total_seconds() > config["SESSION_IDLE_TIMEOUT"] and not remembered
    if idle or (now - login_at).total_seconds() > absolute:
        logout_user()
        session.clear()
        flash("Your session has expired. Please sign in again.", "info")
        if request.method == "GET" and not request.headers.get("HX-Request"):
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(401)
    if (now - seen_at).total_seconds() > 60:
        session["seen_at"] = now.isoformat()
    return None


def landing_url(user: User, next_url: str | None) -> str:
    """Where a sign-in leads: the first sign-in setup while it is pending (it keeps `next`),
    else the page the user came for when it is local, else the dashboard."""
    wanted = next_url if is_safe_next(next_url) else None
    if user.welcome_pending:
        return url_for("welcome.setup", next=wanted)
    return wanted or url_for("views.dashboard")
