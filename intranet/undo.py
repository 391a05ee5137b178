"""Undo where it is cheap: a deleted post, a left sub-group.

A view that does something a person may regret calls `offer_undo(kind, payload, message)` in
the same transaction; the next page shows `message` with an "Undo" button. Pressing it (a POST
with CSRF, so it works without JavaScript) hands `payload` back to the restorer registered for
`kind` with `@undoable(kind)`, which puts things back and answers with an `Undone`. An offer
serves only the person it was made to, once, for `UNDO_MINUTES` (then `expire_undo_offers`, a
job of `intranet run-jobs`, deletes it); the restorer raises
`TooLateToUndo` when the world has moved on (the post was edited, the sub-group closed).
Offers of a disabled plugin (kinds are prefixed with the plugin name) cannot be used.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, Flask, flash, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, String, delete
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.wrappers import Response

from intranet.access import EVERYONE, roles
from intranet.extensions import db
from intranet.models import UTCDateTime, utcnow
from intranet.platform.plugins import disabled_plugins

UNDO_MINUTES = 10
SESSION_KEY = "undo_offer"
TOO_LATE = "This can no longer be undone."


@dataclass(frozen=True)
class Undone:
    """What a restorer answers: the message to show and the page to go back to."""

    message: str
    location: str


class TooLateToUndo(Exception):
    """Raised by a restorer when what it would restore has changed since."""


Restorer = Callable[[dict[str, Any]], Undone]
_restorers: dict[str, Restorer] = {}


class UndoOffer(db.Model):
    """One offer to undo an action: single use, for its user, for a few minutes."""

    __tablename__ = "undo_offer"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(80))
    message: Mapped[str] = mapped_column(String(300))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    @property
    def is_open(self) -> bool:
        return utcnow() - self.created_at < timedelta(minutes=UNDO_MINUTES)


def undoable(kind: str) -> Callable[[Restorer], Restorer]:
    """Register the function that puts back what an action of `kind` changed."""

    def register(restorer: Restorer) -> Restorer:
        _restorers[kind] = restorer
        return restorer

    return register


def offer_undo(kind: str, payload: dict[str, Any], message: str) -> None:
    """Offer the current user to undo what this request does (the caller commits)."""
    if kind not in _restorers:
        raise LookupError(f"no restorer registered for {kind!r}")
    token = secrets.token_urlsafe(24)
    db.session.add(
        UndoOffer(token=token, user_id=current_user.id, kind=kind, message=message, payload=payload)
    )
    session[SESSION_KEY] = token


def expire_undo_offers() -> None:
    """The scheduled clean-up: an offer keeps what it would restore (a post's text) only while
    it can be used."""
    db.session.execute(
        delete(UndoOffer).where(UndoOffer.created_at < utcnow() - timedelta(minutes=UNDO_MINUTES))
    )
    db.session.commit()


def pending_offer() -> UndoOffer | None:
    """The offer made by the previous request, shown once (with its button) on this page."""
    if SESSION_KEY not in session:
        return None
    token = session.pop(SESSION_KEY)
    if not current_user.is_authenticated:
        return None
    offer = db.session.get(UndoOffer, token)
    if offer is None or offer.user_id != current_user.id or not offer.is_open:
        return None
    return offer


bp = Blueprint("undo", __name__)


@bp.post("/undo")
@roles(*EVERYONE)
def undo() -> Response:
    offer = db.session.get(UndoOffer, request.form.get("token", "")[:64])
    restorer = offer and _restorers.get(offer.kind)
    usable = (
        offer is not None
        and restorer is not None
        and offer.user_id == current_user.id
        and offer.is_open
        and offer.kind.partition(".")[0] not in disabled_plugins()
    )
    back = url_for("views.dashboard")
    if not usable:
        flash(TOO_LATE, "warning")
        return redirect(back, code=303)
    db.session.delete(offer)
    try:
        undone = restorer(offer.payload)
    except TooLateToUndo as too_late:
        db.session.rollback()
        flash(str(too_late) or TOO_LATE, "warning")
        return redirect(back, code=303)
    db.session.commit()
    flash(undone.message, "success")
    return redirect(undone.location, code=303)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["undo_offer"] = pending_offer
