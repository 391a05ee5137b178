"""The partners plugin's tables: invitations, the guests they create and what guests may reach."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.plugin_api import ResourceRef, User, UTCDateTime, db, utcnow

ORGANISATION_KINDS = [
    ("ministry", "Ministry"),
    ("national_authority", "National authority"),
    ("cbss_body", "CBSS body"),
    ("nordic_council", "Nordic Council of Ministers"),
    ("eu", "EU institution"),
    ("un", "UN agency"),
    ("osce", "OSCE"),
    ("ngo", "NGO"),
    ("other", "Other"),
]
KIND_LABELS = dict(ORGANISATION_KINDS)


class Invitation(db.Model):
    """An invitation to a named person; the link's token is stored only as its SHA-256 digest."""

    __tablename__ = "partners_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200))
    organisation_kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text, default="")
    sponsor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    access_ends_on: Mapped[date] = mapped_column(Date)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_link_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expiry_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    guest_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    sponsor: Mapped[User | None] = relationship(foreign_keys=[sponsor_id])
    resources: Mapped[list[InvitationResource]] = relationship(
        back_populates="invitation", cascade="all, delete-orphan", order_by="InvitationResource.id"
    )

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.accepted_at is not None:
            return "accepted"
        if self.expires_at <= utcnow():
            return "expired"
        return "pending"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.organisation_kind, self.organisation_kind)


class InvitationResource(db.Model):
    """A resource an invitation will grant once accepted (owned by another plugin)."""

    __tablename__ = "partners_invitation_resource"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("partners_invitation.id", ondelete="CASCADE"), index=True
    )
    resource_kind: Mapped[str] = mapped_column(String(64))
    resource_id: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(500), default="")

    invitation: Mapped[Invitation] = relationship(back_populates="resources")

    @property
    def ref(self) -> ResourceRef:
        return ResourceRef(self.resource_kind, self.resource_id)


class Guest(db.Model):
    """The partner side of a guest account: organisation, sponsor and when access ends."""

    __tablename__ = "partners_guest"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    organisation: Mapped[str] = mapped_column(String(200))
    organisation_kind: Mapped[str] = mapped_column(String(32))
    sponsor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    access_ends_on: Mapped[date] = mapped_column(Date)
    reminded_for: Mapped[date | None] = mapped_column(Date)
    sponsor_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    sponsor: Mapped[User | None] = relationship(foreign_keys=[sponsor_id])
    grants: Mapped[list[Grant]] = relationship(
        primaryjoin="Guest.user_id == foreign(Grant.guest_id)",
        order_by="Grant.id",
        viewonly=True,
    )

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.organisation_kind, self.organisation_kind)


class Grant(db.Model):
    """A guest may act on one resource (any action of the owning plugin on that resource)."""

    __tablename__ = "partners_grant"
    __table_args__ = (
        UniqueConstraint("guest_id", "resource_kind", "resource_id", name="uq_partners_grant"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guest_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    resource_kind: Mapped[str] = mapped_column(String(64))
    resource_id: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(500), default="")
    granted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def ref(self) -> ResourceRef:
        return ResourceRef(self.resource_kind, self.resource_id)
