"""Notifications: one service for plugins to tell users about something.

Each call stores an in-app notification per user (one bulk insert) and mails the users whose
preference (`User.notification_preference`) is "immediate". Users who chose "digest" get one
mail a day from
`flask --app wsgi intranet send-digests`; "none" means in-app only. Mail failures are logged and
reported in the result, never raised into the action that notified.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import click
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import ForeignKey, Index, String, Text, func, insert, select, update
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship
from werkzeug.wrappers import Response

from intranet.access import EVERYONE, roles
from intranet.accounts.security import is_safe_next
from intranet.extensions import db
from intranet.models import User, UTCDateTime, utcnow
from intranet.platform import mail, replies
from intranet.web import plural, wants_fragment

NOTIFY_CHOICES = ("immediate", "digest", "none")
PAGE_SIZE = 30
PREFERENCES_PATH = "/profile"

log = logging.getLogger(__name__)
bp = Blueprint("notifications", __name__)


class Notification(db.Model):
    """Something a user was told about; `emailed_at` is set once a mail carried it."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user_read", "user_id", "read_at"),
        Index("ix_notification_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


@dataclass
class NotifyResult:
    """What `notify` did: how many notifications it stored, who was mailed, whose mail failed."""

    stored: int = 0
    mailed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def absolute_url(path: str) -> str:
    return current_app.config["BASE_URL"] + path if path.startswith("/") else path


def _send(
    user: User,
    subject: str,
    template: str,
    headers: dict[str, str] | None = None,
    **context: object,
) -> bool:
    """Mail `user`; False (logged) when the mail could not be built or sent.

    The notifications are saved before any mail is built, so whatever fails here (a template,
    a header, the SMTP server) must never turn the caller's saved action into an error page.
    """
    context.update(
        user=user,
        site=current_app.config["SITE_NAME"],
        preferences_link=absolute_url(PREFERENCES_PATH),
        absolute_url=absolute_url,
    )
    try:
        mail.send_mail(
            user.email,
            subject,
            render_template(f"mail/{template}.txt", **context),
            render_template(f"mail/{template}.html", **context),
            headers=headers,
        )
    except mail.MailError:
        return False
    except Exception:
        log.exception("notification mail to user %s (%r) could not be built", user.id, subject)
        return False
    return True


def notify(
    users: Iterable[User],
    kind: str,
    title: str,
    text: str = "",
    url: str = "",
    *,
    reply_target: str = "",
) -> NotifyResult:
    """Notify every active user in `users` about something; commits the notifications.

    Call it after committing your own change. `kind` names what happened, e.g.
    "meetings.invited"; `url` is a local path ("/meetings/3") to the object, or "".
    `reply_target` ("subgroups.thread:12") makes each mail answerable by mail: a personal
    Reply-To and thread headers (see intranet.platform.replies).
    """
    if url and not is_safe_next(url):
        raise ValueError(f"notification url must be a local path, not {url!r}")
    recipients = {user.id: user for user in users if user.is_active}
    result = NotifyResult()
    if not recipients:
        return result
    now = utcnow()
    rows = db.session.execute(
        insert(Notification).returning(Notification.id, Notification.user_id),
        [
            {
                "user_id": user_id,
                "kind": kind,
                "title": title[:200],
                "text": text,
                "url": url,
                "created_at": now,
            }
            for user_id in recipients
        ],
    ).all()
    db.session.commit()
    result.stored = len(rows)
    mailed_ids = []
    site = current_app.config["SITE_NAME"]
    for notification_id, user_id in rows:
        user = recipients[user_id]
        if user.notification_preference != "immediate":
            continue
        headers = replies.reply_headers(user.id, reply_target) if reply_target else None
        subject = f"{site}: {title}"
        if _send(user, subject, "notification", headers, title=title, text=text, url=url):
            result.mailed.append(user.email)
            mailed_ids.append(notification_id)
        else:
            result.failed.append(user.email)
    if mailed_ids:
        db.session.execute(
            update(Notification).where(Notification.id.in_(mailed_ids)).values(emailed_at=now)
        )
        db.session.commit()
    return result


def _claim_for_mail(ids: list[int]) -> bool:
    """Mark notifications as mailed before the mail goes out, all or none (committed), so two
    runs on two hosts never both send them; False when another run has claimed any of them."""
    claimed = db.session.execute(
        update(Notification)
        .where(Notification.id.in_(ids), Notification.emailed_at.is_(None))
        .values(emailed_at=utcnow())
    )
    if claimed.rowcount != len(ids):
        db.session.rollback()
        return False
    db.session.commit()
    return True


def _release_for_mail(ids: list[int]) -> None:
    """The mail failed: the next run tries these notifications again."""
    db.session.execute(update(Notification).where(Notification.id.in_(ids)).values(emailed_at=None))
    db.session.commit()


def send_digests() -> tuple[int, int]:
    """Mail each "digest" user one digest of their unread, unmailed notifications.

    The notifications are claimed (marked mailed) before the mail goes out, so two hosts
    running this at once never send the same digest twice; a failed mail releases them for the
    next run. Returns (digests sent, digests failed).
    """
    user_ids = db.session.scalars(
        select(Notification.user_id)
        .join(User, User.id == Notification.user_id)
        .where(
            Notification.emailed_at.is_(None),
            Notification.read_at.is_(None),
            User.notification_preference == "digest",
            User.is_active_account.is_(True),
        )
        .distinct()
    ).all()
    sent = failed = 0
    site = current_app.config["SITE_NAME"]
    for user_id in user_ids:
        items = db.session.scalars(
            select(Notification)
            .where(
                Notification.user_id == user_id,
                Notification.emailed_at.is_(None),
                Notification.read_at.is_(None),
            )
            .order_by(Notification.created_at, Notification.id)
        ).all()
        ids = [item.id for item in items]
        if not _claim_for_mail(ids):
            continue  # another run is mailing these right now
        user = db.session.get(User, user_id)
        count = len(items)
        subject = f"{site}: {count} new notification{'s' * (count > 1)}"
        if _send(user, subject, "digest", items=items):
            sent += 1
        else:
            _release_for_mail(ids)
            failed += 1
    return sent, failed


RETRY_MAIL_WITHIN = timedelta(days=2)
RETRY_MAIL_AFTER = timedelta(minutes=1)


def retry_unsent_mail() -> tuple[int, int]:
    """Mail again the immediate notifications whose mail failed (SMTP down), once each.

    A notification for someone who wants immediate mail and still has no `emailed_at` a minute
    after it was made had its mail fail; it is claimed before sending, like a digest, so two
    hosts never both send it, and released when the mail fails again. Notifications older than
    two days are left to the in-app list. Returns (mails sent, mails failed).
    """
    now = utcnow()
    items = db.session.scalars(
        select(Notification)
        .join(User, User.id == Notification.user_id)
        .where(
            Notification.emailed_at.is_(None),
            Notification.read_at.is_(None),
            Notification.created_at > now - RETRY_MAIL_WITHIN,
            Notification.created_at < now - RETRY_MAIL_AFTER,
            User.notification_preference == "immediate",
            User.is_active_account.is_(True),
        )
        .options(joinedload(Notification.user))
        .order_by(Notification.id)
        .limit(500)
    ).all()
    sent = failed = 0
    site = current_app.config["SITE_NAME"]
    for item in items:
        if not _claim_for_mail([item.id]):
            continue
        subject = f"{site}: {item.title}"
        if _send(
            item.user, subject, "notification", title=item.title, text=item.text, url=item.url
        ):
            sent += 1
        else:
            _release_for_mail([item.id])
            failed += 1
    return sent, failed


@click.command("send-digests")
def send_digests_command() -> None:
    """Mail the daily digest of notifications to users who chose it (idempotent)."""
    sent, failed = send_digests()
    click.echo(f"{plural(sent, 'digest')} sent" + (f", {failed} failed" if failed else ""))


def unread_count() -> int:
    """The signed-in user's unread notifications; one query per request, for the header."""
    if not current_user.is_authenticated:
        return 0
    if "intranet_unread" not in g:
        g.intranet_unread = db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        )
    return g.intranet_unread


def _own_notification(notification_id: int) -> Notification:
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    return notification


def _page() -> Any:
    page = max(request.values.get("page", 1, type=int), 1)
    query = (
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


@bp.get("/notifications")
@roles(*EVERYONE)
def index() -> str:
    return render_template("notifications/index.html", pagination=_page())


@bp.post("/notifications/<int:notification_id>/read")
@roles(*EVERYONE)
def mark_read(notification_id: int) -> str | Response:
    notification = _own_notification(notification_id)
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    if wants_fragment():
        return render_template("notifications/_row.html", item=notification, oob_count=True)
    return redirect(url_for("notifications.index"), code=303)


@bp.post("/notifications/read-all")
@roles(*EVERYONE)
def mark_all_read() -> str | Response:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    if wants_fragment():
        return render_template(
            "notifications/_panel_fragment.html", pagination=_page(), oob_count=True
        )
    return redirect(url_for("notifications.index"), code=303)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["unread_notifications"] = unread_count
