"""Sessions: who a signed cookie belongs to, when it ends, and a fresh one at sign-in.

A session carries the user's session version (`User.get_id`); bumping the version
(`User.end_all_sessions`) ends every session of the user, copies of the cookie included, at no
extra statement per request since the user row is loaded anyway.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, abort, current_app, flash, redirect, request, session, url_for
from flask_login import login_user, logout_user, user_loaded_from_cookie
from werkzeug.wrappers import Response

from intranet.extensions import db, login_manager
from intranet.models import User, utcnow


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Sessions carry the user's session version: a stale one, or a deactivated user, ends it."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or str(user.session_version) != version:
        return None
    return user


def start_session(user: User, remember: bool = False) -> None:
    """A fresh session for a fresh login (no fixation), marked with the login time."""
    session.clear()
    login_user(user, remember=remember)
    now = utcnow().isoformat()
    session.update(login_at=now, seen_at=now, remember=remember)


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
