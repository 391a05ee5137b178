"""Notifications: one service for plugins to tell users about something.

Each call stores an in-app notification per user (one bulk insert) and mails the users whose
preference (`User.notification_preference`) is "immediate", through the mail outbox. Users who
chose "digest" get one mail a day from `flask --app wsgi intranet send-digests`; "none" means
in-app only. A mail that cannot be built is logged and reported in the result, never raised into
the action that notified.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
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
from sqlalchemy import ForeignKey, Index, String, Text, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship
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
    """Queue a mail to `user` in the current transaction; False (logged) when it cannot be built.

    Whatever fails here (a template, a header) must never turn the caller's action into an
    error page; delivery itself happens after the commit, in the outbox.
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
    post: str = "",
    mailing_list: Collection[int] = (),
) -> NotifyResult:
    """Notify every active user in `users` about something; commits the notifications.

    The notifications and the mails to users who want them at once are committed together (the
    mails go out from the outbox after the commit). `kind` names what happened, e.g.
    "meetings.invited"; `url` is a local path ("/meetings/3") to the object, or "".
    `reply_target` ("subgroups.thread:12") makes each mail answerable by mail: a personal
    Reply-To and thread headers (see intranet.platform.replies).

    `post` is the full text of the discussion post announced. Users in mailing-list mode get
    it in full, as its own mail, whatever their preference for other notifications: those
    who chose it in their profile (`User.mail_every_post`), and those in `mailing_list` (ids
    of the members of a sub-group that sends every post) unless they chose no mail at all.
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
    result.stored = len(rows)
    mailed_ids = []
    site = current_app.config["SITE_NAME"]
    for notification_id, user_id in rows:
        user = recipients[user_id]
        listed = bool(post) and (
            user.mail_every_post
            or (user_id in mailing_list and user.notification_preference != "none")
        )
        if not listed and user.notification_preference != "immediate":
            continue
        headers = replies.reply_headers(user.id, reply_target) if reply_target else None
        subject = f"{site}: {title}"
        template, body = ("post", post) if listed else ("notification", text)
        answerable = bool(headers)
        if _send(
            user, subject, template, headers, title=title, text=body, url=url, answerable=answerable
        ):
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


class NotificationDigest(db.Model):
    """A user's digest of one day: the key claims the day, so concurrent runs send one."""

    __tablename__ = "notification_digest"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def queue_digest(user_id: int, day: date, site: str) -> bool:
    """Claim the user's digest of `day` and their unmailed notifications, and queue the mail,
    all in one transaction; False (rolled back) when another run has the day or the items, or
    nothing is left to tell: a digest is never empty."""
    try:
        db.session.add(NotificationDigest(user_id=user_id, day=day, sent_at=utcnow()))
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
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
    claimed = db.session.execute(
        update(Notification)
        .where(Notification.id.in_(ids), Notification.emailed_at.is_(None))
        .values(emailed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    count = len(ids)
    subject = f"{site}: {count} new notification{'s' * (count > 1)}"
    user = db.session.get(User, user_id)
    if not ids or claimed.rowcount != count or not _send(user, subject, "digest", items=items):
        db.session.rollback()
        return False
    db.session.commit()
    return True


def send_digests() -> tuple[int, int]:
    """Queue for each "digest" user one digest a day of their unread, unmailed notifications.

    Each digest claims its user and day and its notifications in the transaction that queues
    it, so runs on several hosts at once send one digest per user, never an empty one.
    Delivery (and its retries) is the outbox's. Returns (digests queued, 0).
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
    day = utcnow().date()
    site = current_app.config["SITE_NAME"]
    sent = sum(queue_digest(user_id, day, site) for user_id in user_ids)
    return sent, 0


@click.command("send-digests")
def send_digests_command() -> None:
    """Mail the daily digest of notifications to users who chose it (idempotent)."""
    sent, _failed = send_digests()
    click.echo(f"{plural(sent, 'digest')} sent")


# Built once: every page's header runs it, and building it took most of its time.
UNREAD = (
    select(func.count())
    .select_from(Notification)
    .where(Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))
)


def unread_count() -> int:
    """The signed-in user's unread notifications; one query per request, for the header."""
    if not current_user.is_authenticated:
        return 0
    if "intranet_unread" not in g:
        g.intranet_unread = db.session.scalar(UNREAD, {"user_id": current_user.id})
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
