"""The core's tables: accounts, plugin state, login throttling, tokens, audit, job runs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.extensions import db

ROLES = ("admin", "secretariat", "member", "guest")
ROLE_LABELS = {
    "admin": "Administrator",
    "secretariat": "Secretariat",
    "member": "Member",
    "guest": "Guest",
}


COUNTRY_KINDS = {
    "member": "Member state",
    "eu": "European Union",
    "partner": "Partner country",
    "observer": "Observer",
}
ORGANISATION_KINDS = {
    "ministry": "Ministry",
    "authority": "National authority",
    "cbss": "CBSS body",
    "nordic": "Nordic Council of Ministers",
    "eu": "EU institution",
    "un": "UN agency",
    "osce": "OSCE",
    "ngo": "NGO",
    "other": "Other",
}
VISIBILITY = {"members": "Members of the task force", "hidden": "Hidden (secretariat only)"}
NOTIFICATION_PREFERENCES = {
    "immediate": "Immediately by mail",
    "digest": "Daily digest",
    "none": "No mail",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store times in UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    # The directory's orders (intranet/directory/listing.py): a page of 25 is read from the
    # index instead of sorting every account. By role: the few staff (the secretariat, the
    # admins, the guests) are found among 150,000 accounts without reading them all. In the
    # organisations' order (by their names, in another table), a page's ids are sorted from
    # this index's entries alone, never from the accounts' rows.
    __table_args__ = (
        Index("ix_user_account_name", "name", "id"),
        Index("ix_user_account_country_name", "country_code", "name", "id"),
        Index("ix_user_account_role_name", "role", "name", "id"),
        Index(
            "ix_user_account_organisation_order",
            "country_code",
            "organisation_id",
            "name",
            "id",
            "role",
            "active",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="member")
    country_code: Mapped[str | None] = mapped_column(String(8), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active_account: Mapped[bool] = mapped_column("active", Boolean, default=True)
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Stockholm")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the account's personal data was erased (intranet.privacy.erasure); the row stays.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The directory profile (intranet.directory.members, intranet.directory.profile).
    position: Mapped[str | None] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    phone: Mapped[str | None] = mapped_column(String(50))
    expertise: Mapped[str | None] = mapped_column(Text)
    languages: Mapped[str | None] = mapped_column(String(200))
    bio: Mapped[str | None] = mapped_column(Text)
    phone_visibility: Mapped[str] = mapped_column(
        String(10), default="members", server_default="members"
    )
    email_visibility: Mapped[str] = mapped_column(
        String(10), default="members", server_default="members"
    )
    notification_preference: Mapped[str] = mapped_column(
        String(10), default="immediate", server_default="immediate"
    )
    # Set for accounts made by create-user, the admin form or an import: their first sign-in
    # offers a short setup (intranet.directory.welcome), once.
    welcome_pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The profile photo in the store (intranet.directory.photos), a square JPEG.
    photo_key: Mapped[str | None] = mapped_column(String(200))
    # Mailing-list mode: every new discussion post in full, as its own mail, answerable by mail.
    mail_every_post: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    organisation: Mapped[Organisation | None] = relationship()
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses to log in inactive users
        return self.is_active_account

    @property
    def is_guest(self) -> bool:
        return self.role == "guest"

    @property
    def is_staff(self) -> bool:
        """Admins and the secretariat run the task force's business."""
        return self.role in ("admin", "secretariat")

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    # The token of the session this object was loaded for: not a column (see get_id).
    session_token = None

    def get_id(self) -> str:
        """The session id: the user, their session version (bumping it ends every session of
        theirs) and the token of this one session (revoking it ends just this one)."""
        return f"{self.id}:{self.session_version}:{self.session_token or ''}"

    def end_all_sessions(self) -> None:
        self.session_version = (self.session_version or 0) + 1

    def __repr__(self) -> str:
        return f"<User {self.email} ({self.role})>"


class Country(db.Model):
    """A country (or the EU) whose experts and organisations take part in the task force."""

    __tablename__ = "country"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="member")

    @property
    def kind_label(self) -> str:
        return COUNTRY_KINDS.get(self.kind, self.kind)


class Organisation(db.Model):
    """A ministry, authority or body that members belong to."""

    __tablename__ = "organisation"
    __table_args__ = (UniqueConstraint("name", "country_code", name="uq_organisation_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="other")
    country_code: Mapped[str | None] = mapped_column(
        ForeignKey("country.code", ondelete="SET NULL"), index=True
    )

    country: Mapped[Country | None] = relationship()

    @property
    def kind_label(self) -> str:
        return ORGANISATION_KINDS.get(self.kind, self.kind)


class DelegationRequest(db.Model):
    """A member's request to belong to another delegation; staff confirm or decline it."""

    __tablename__ = "delegation_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    country_code: Mapped[str] = mapped_column(ForeignKey("country.code", ondelete="CASCADE"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # None while pending, then "confirmed" or "declined".
    decision: Mapped[str | None] = mapped_column(String(10), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    country: Mapped[Country] = relationship()


# Full-text tables and indexes are engine-specific and made by the migrations alone (FTS5 on
# SQLite, GIN expression indexes on PostgreSQL). By convention their names carry the word "fts"
# or "fulltext" (member_fts, ix_lessons_lesson_fts); autogenerate and the schema test skip them.
FULLTEXT_OBJECT_NAME = r"(^|_)(fts|fulltext)($|_)"
db.metadata.info["unmodelled_pattern"] = FULLTEXT_OBJECT_NAME


class RecoveryCode(db.Model):
    """A single-use two-factor recovery code, stored as a salted SHA-256 hash (see twofactor)."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PluginState(db.Model):
    """Whether an installed plugin is enabled; `version` orders changes across processes."""

    __tablename__ = "plugin_state"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )


class RevokedSession(db.Model):
    """A signed-out session: its token's digest, kept until every cookie of it has expired."""

    __tablename__ = "revoked_session"

    token_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class LoginAttempt(db.Model):
    """Failed logins, kept in the database so throttling holds across worker processes."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_email_at", "email", "at"),
        Index("ix_login_attempt_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuthToken(db.Model):
    """A single-use, expiring token; only its SHA-256 digest is stored."""

    __tablename__ = "auth_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEvent(db.Model):
    """Append-only record of security-relevant and administrative events."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str | None] = mapped_column(String(200))
    ip: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class JobRun(db.Model):
    """One row per job and time slot: the unique key makes a due job run exactly once."""

    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("job", "slot", name="uq_job_run_job_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(128))
    slot: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)


class SettingValue(db.Model):
    """A value an admin chose for one of a plugin's settings (`intranet_settings_schema`)."""

    __tablename__ = "setting_value"

    plugin: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
