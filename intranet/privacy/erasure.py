"""Erasure of an account's personal data, on request or after the retention period.

A user asks from their profile; the secretariat or an admin confirms or declines with a reason;
admins may also erase an account directly. An erasure is refused while the person still holds
duties (last admin, or what a plugin lists through `intranet_erasure_blockers`). It then runs
in one transaction: every installed plugin (enabled or not) erases its part through
`intranet_erase_personal_data`, the core wipes the profile, sign-in secrets, tokens and
notifications, and the audit log keeps only the account id and the fact.

Retention: accounts deactivated (guests: whose access ended) longer than the configured number
of months ago are erased by a daily scheduled job; staff see beforehand what its next run does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import ForeignKey, Index, String, Text, cast, delete, func, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.extensions import db
from intranet.models import (
    AuditEvent,
    AuthToken,
    DelegationRequest,
    LoginAttempt,
    RecoveryCode,
    User,
    UTCDateTime,
    utcnow,
)
from intranet.platform import plugins
from intranet.platform.attachments import Attachment
from intranet.platform.audit import record
from intranet.platform.notifications import Notification
from intranet.platform.storage import store

FORMER_MEMBER = "Former member"
ERASED_EMAIL_DOMAIN = "erased.invalid"
PROFILE_FIELDS = ("position", "organisation_id", "country_code", "phone", "expertise", "languages")
PROFILE_FIELDS += ("bio", "password_hash", "totp_secret", "totp_last_step", "totp_enabled_at")
PROFILE_FIELDS += ("photo_key",)


class ErasureRequest(db.Model):
    """A user's request to have their account erased, and what the secretariat decided."""

    __tablename__ = "erasure_request"
    __table_args__ = (Index("ix_erasure_request_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    decline_reason: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class ErasureRefused(Exception):
    """The account cannot be erased yet; `blockers` says what to hand over first."""

    def __init__(self, blockers: list[str]) -> None:
        super().__init__("; ".join(blockers))
        self.blockers = blockers


# --- the erasure itself -----------------------------------------------------------------------


def blockers_of(users: list[User]) -> dict[int, list[str]]:
    """What each of `users` must hand over before their account can be erased, by user id;
    users with nothing to hand over are left out."""
    if not users:
        return {}
    found: dict[int, list[str]] = {}
    active_admins = set(
        db.session.scalars(
            select(User.id).where(User.role == "admin", User.is_active_account.is_(True))
        )
    )
    for user in users:
        if active_admins == {user.id}:
            found[user.id] = [
                "The last active administrator: make someone else an administrator first "
                "(Administration, Users)."
            ]
    for _, answer in plugins.results("intranet_erasure_blockers", users=users):
        for user_id, sentences in answer.items():
            found.setdefault(user_id, []).extend(sentences)
    return found


def blockers(user: User) -> list[str]:
    """What `user` must hand over before their account can be erased (empty: nothing)."""
    return blockers_of([user]).get(user.id, [])


def erase_account(user: User, *, actor: User | None, via: str) -> None:
    """Erase `user`'s personal data everywhere and commit; raises ErasureRefused when blocked.

    `via` says why, for the audit log: "request", "admin" or "retention".
    """
    found = blockers(user)
    if found:
        raise ErasureRefused(found)
    try:
        _erase_in_plugins(user)
        _erase_in_core(user)
        db.session.execute(
            update(ErasureRequest)
            .where(ErasureRequest.user_id == user.id, ErasureRequest.status == "pending")
            .values(
                status="confirmed",
                decided_at=utcnow(),
                decided_by_id=actor.id if actor is not None else None,
            )
        )
        record("user.erased", target=f"user:{user.id}", actor=actor, via=via)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def _erase_in_plugins(user: User) -> None:
    """Every installed plugin erases its part, disabled ones too: their data is still kept."""
    hook = plugins.registry().pm.hook.intranet_erase_personal_data
    for impl in reversed(hook.get_hookimpls()):
        arguments = {"user": user}
        impl.function(*[arguments[name] for name in impl.argnames])
    db.session.flush()


def _erase_in_core(user: User) -> None:
    old_email, old_name = user.email.lower(), user.name
    anonymise_text(Notification.title, user)
    anonymise_text(Notification.text, user)
    if user.photo_key:
        store().delete(user.photo_key)
    for column in PROFILE_FIELDS:
        setattr(user, column, None)
    user.name = FORMER_MEMBER
    user.email = f"erased-{user.id}@{ERASED_EMAIL_DOMAIN}"
    user.phone_visibility = user.email_visibility = "hidden"
    user.notification_preference = "none"
    user.mail_every_post = False
    user.is_active_account = False
    user.deactivated_at = user.deactivated_at or utcnow()
    user.erased_at = utcnow()
    user.end_all_sessions()
    for model in (RecoveryCode, AuthToken, Notification, DelegationRequest):
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.execute(delete(LoginAttempt).where(func.lower(LoginAttempt.email) == old_email))
    db.session.execute(
        update(Attachment).where(Attachment.uploaded_by_id == user.id).values(uploaded_by_id=None)
    )
    db.session.execute(
        update(ErasureRequest)
        .where(ErasureRequest.user_id == user.id)
        .values(reason="", decline_reason="")
    )
    # The audit log keeps who did what and when, by account id; no address, no free text.
    details = cast(AuditEvent.details, Text)
    about_user = or_(
        AuditEvent.target == f"user:{user.id}",
        func.lower(AuditEvent.target) == old_email,
        AuditEvent.actor_id == user.id,
        details.contains(json.dumps(old_email)[1:-1], autoescape=True),
        details.contains(json.dumps(old_name)[1:-1], autoescape=True),
    )
    db.session.execute(
        update(AuditEvent)
        .where(func.lower(AuditEvent.target) == old_email)
        .values(target=f"user:{user.id}")
    )
    db.session.execute(update(AuditEvent).where(about_user).values(ip=None, details={}))


def anonymise_text(column: Any, user: User) -> None:
    """Put "Former member" wherever `user`'s name, email or phone appears in a text column.

    For generated messages and short free-text fields that name people (a presenter, a
    contact). Call it before the core anonymises the account, i.e. from the erasure hook.
    """
    for term in (user.name, user.email, user.phone):
        if term:
            db.session.execute(
                update(column.class_)
                .where(column.contains(term, autoescape=True))
                .values({column.key: func.replace(column, term, FORMER_MEMBER)})
            )


# --- retention --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionCandidate:
    """An account the retention job will erase (or would, once `blockers` are handed over)."""

    user: User
    why: str
    blockers: list[str]


def months_ago(months: int, now: datetime | None = None) -> datetime:
    now = now or utcnow()
    month_index = now.year * 12 + now.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(now.day, 28)
    return now.replace(year=year, month=month + 1, day=day)


def retention_candidates() -> list[RetentionCandidate]:
    """Deactivated accounts past their retention period, oldest deactivation first."""
    config = current_app.config
    guest_limit = months_ago(config["RETENTION_GUEST_MONTHS"])
    member_limit = months_ago(config["RETENTION_MEMBER_MONTHS"])
    users = db.session.scalars(
        select(User)
        .where(
            User.erased_at.is_(None),
            User.is_active_account.is_(False),
            or_(
                (User.role == "guest") & (User.deactivated_at < guest_limit),
                (User.role != "guest") & (User.deactivated_at < member_limit),
            ),
        )
        .order_by(User.deactivated_at, User.id)
    ).all()
    duties = blockers_of(list(users))
    candidates = []
    for user in users:
        months = config["RETENTION_GUEST_MONTHS" if user.is_guest else "RETENTION_MEMBER_MONTHS"]
        what = "Guest access ended" if user.is_guest else "Deactivated"
        why = f"{what} on {user.deactivated_at:%d %b %Y}, more than {months} months ago"
        candidates.append(RetentionCandidate(user, why, duties.get(user.id, [])))
    return candidates


def run_retention() -> int:
    """The scheduled job: erase every account past its retention period that nothing blocks."""
    erased = 0
    for candidate in retention_candidates():
        if candidate.blockers:
            continue
        erase_account(candidate.user, actor=None, via="retention")
        erased += 1
    return erased
