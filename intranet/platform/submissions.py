"""Safe retries: the same form submission arriving twice does its work once.

Every form of the product (the base `Form`) carries a one-time submission token next to its
CSRF token. When a signed-in user's POST commits, the token is written in the same
transaction as whatever the submission created, so a second arrival of the same submission
(a retry after a 503 or a dropped connection, a double click, a browser resending) either
finds the token already recorded, or fails on its primary key and rolls its own work back.
Either way it is not processed again: it is answered with what the first answer pointed to
(the created thread, lesson, invitation list...), or, when that is unknown because the first
request failed after committing, with a clear message.

Each rendering of a form gets a new token. An htmx form that stays on the page after a
successful answer must therefore be part of what the answer swaps in (as the settings
sections are), or its next, different submission would be taken for a repeat. Only what a
signed-in user's request writes through the ORM carries the token; rows expire after a day
(`expire_submissions`, a job of `intranet run-jobs`).
"""

from __future__ import annotations

import re
import secrets
import time
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, g, has_request_context, redirect, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import ForeignKey, String, delete, event, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.wrappers import Response
from wtforms.widgets import HiddenInput

from intranet.extensions import db
from intranet.models import UTCDateTime, utcnow

FIELD = "submission_token"
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{22,64}")
KEEP_FOR = timedelta(days=1)
WAIT_FOR_FIRST_ANSWER = 5.0  # seconds a duplicate waits for the first request to finish
ALREADY_SENT = "This form had already been sent and was saved; it was not saved a second time."


class Submission(db.Model):
    """A submission that committed: its token, who sent it, and where its answer led."""

    __tablename__ = "submission"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    location: Mapped[str | None] = mapped_column(String(2000))


class SubmissionTokenInput(HiddenInput):
    """Renders the CSRF field followed by the form's submission token, so every template that
    writes `{{ form.csrf_token }}` (or `form.hidden_tag()`) sends one without further code."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        own = Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, self.token)
        return super().__call__(field, **kwargs) + own


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _posted_token() -> str | None:
    token = request.form.get(FIELD, "") if request.method == "POST" else ""
    if not TOKEN_PATTERN.fullmatch(token) or not current_user.is_authenticated:
        return None
    return token


def _recorded(token: str) -> bool:
    mine = select(Submission.token).where(
        Submission.token == token, Submission.user_id == current_user.id
    )
    return db.session.scalar(mine) is not None


def _same_site_path(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if (parts.netloc and parts.netloc != request.host) or not parts.path.startswith("/"):
        return None
    query = f"?{parts.query}" if parts.query else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"{parts.path}{query}{fragment}"


def _answer_again(token: str) -> Response:
    """The answer to a duplicate: where the first answer led."""
    deadline = time.monotonic() + WAIT_FOR_FIRST_ANSWER
    location = db.session.scalar(select(Submission.location).where(Submission.token == token))
    while location is None and time.monotonic() < deadline:
        time.sleep(0.1)  # the first request committed and is about to record its answer
        db.session.rollback()
        location = db.session.scalar(select(Submission.location).where(Submission.token == token))
    flash(ALREADY_SENT, "info")
    if location is None:
        location = _same_site_path(request.referrer) or url_for("views.dashboard")
    if request.headers.get("HX-Request"):
        response = Response(status=200)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, code=303)


def replay_duplicate() -> Response | None:
    """before_request: a submission whose token is recorded is answered, not processed."""
    token = _posted_token()
    if token is None:
        return None
    if _recorded(token):
        return _answer_again(token)
    g.submission_token = token
    return None


def _add_on_flush(session: Session, _context: Any, _instances: Any) -> None:
    """The token joins the first flush that writes something of the submission's work, so it
    commits (or rolls back) with that work."""
    if not has_request_context() or g.get("submission_added"):
        return
    token = g.get("submission_token")
    if token:
        session.add(Submission(token=token, user_id=current_user.id))
        g.submission_added = True


def _committed(_session: Session) -> None:
    if has_request_context() and g.get("submission_added"):
        g.submission_recorded = True


def _rolled_back(_session: Session) -> None:
    if has_request_context() and not g.get("submission_recorded"):
        g.submission_added = False


def record_answer(response: Response) -> Response:
    """after_request: keep where a committed submission's answer leads; forget the token of a
    submission whose answer was a form to correct (it may be sent again)."""
    token = g.get("submission_token")
    if not token or not g.get("submission_recorded") or response.status_code >= 500:
        return response
    location = None
    if 300 <= response.status_code < 400:
        location = _same_site_path(response.location)
    elif response.status_code < 300 and request.headers.get("HX-Request"):
        location = _same_site_path(
            response.headers.get("HX-Redirect")
            or response.headers.get("HX-Location")
            or request.headers.get("HX-Current-URL")
        )
    mine = Submission.token == token
    try:
        db.session.rollback()  # only what the teardown would discard anyway
        if location:
            db.session.execute(update(Submission).where(mine).values(location=location[:2000]))
        else:
            db.session.execute(delete(Submission).where(mine))
        db.session.commit()
    except SQLAlchemyError as error:
        # The work is saved and the answer is ready: a retry finds the token all the same.
        current_app.logger.warning("could not record the answer to a submission: %s", error)
        with suppress(Exception):
            db.session.rollback()
    return response


def answer_to_duplicate(error: IntegrityError) -> Response | None:
    """The answer when a commit failed because the same submission committed meanwhile."""
    token = g.get("submission_token")
    if not token or g.get("submission_recorded"):
        return None
    db.session.rollback()
    return _answer_again(token) if _recorded(token) else None


def expire_submissions() -> None:
    """The scheduled clean-up: a day after a submission, its retries have long stopped."""
    db.session.execute(delete(Submission).where(Submission.created_at < utcnow() - KEEP_FOR))
    db.session.commit()


def init_app(app: Flask) -> None:
    app.before_request(replay_duplicate)
    app.after_request(record_answer)
    for name, listener in (
        ("before_flush", _add_on_flush),
        ("after_commit", _committed),
        ("after_rollback", _rolled_back),
    ):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)
