"""The governance plugin's tables: chairmanship, mandate, living documents, reports, settings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.plugin_api import User, UTCDateTime, db, utcnow

chairperson_table = Table(
    "governance_chairperson",
    db.metadata,
    Column(
        "period_id",
        ForeignKey("governance_chair_period.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
)


class ChairPeriod(db.Model):
    """A chairmanship year (normally 1 July to 30 June) held by a member state."""

    __tablename__ = "governance_chair_period"
    __table_args__ = (Index("ix_governance_chair_period_start_end", "start", "end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    country_code: Mapped[str] = mapped_column(String(2))
    override_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    chairpersons: Mapped[list[User]] = relationship(
        secondary=chairperson_table, order_by=User.name, lazy="selectin"
    )


class MandatePeriod(db.Model):
    """A period of the task force's mandate and the decision behind it."""

    __tablename__ = "governance_mandate"

    id: Mapped[int] = mapped_column(primary_key=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    decision_text: Mapped[str] = mapped_column(Text, default="")
    decision_reference: Mapped[str] = mapped_column(String(200), default="")
    decision_date: Mapped[date | None] = mapped_column(Date)
    is_prolongation: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Revision(db.Model):
    """One kept version of a living document (objectives, methods of work)."""

    __tablename__ = "governance_revision"
    __table_args__ = (UniqueConstraint("document", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document: Mapped[str] = mapped_column(String(32))
    number: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(500), default="")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author: Mapped[User | None] = relationship(lazy="joined")


class Proposal(db.Model):
    """A member's proposed revision, accepted or rejected by the chair or the secretariat."""

    __tablename__ = "governance_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    document: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(500), default="")
    base_number: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    proposer_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_comment: Mapped[str] = mapped_column(Text, default="")
    revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("governance_revision.id", ondelete="SET NULL")
    )
    proposer: Mapped[User | None] = relationship(foreign_keys=[proposer_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="joined")
    revision: Mapped[Revision | None] = relationship()


class Report(db.Model):
    """An activity report for a period; `snapshot` freezes its sections once submitted."""

    __tablename__ = "governance_report"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    introduction: Mapped[str] = mapped_column(Text, default="")
    conclusions: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id], lazy="joined")
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id], lazy="joined")

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Notice(db.Model):
    """A one-off notification already sent (e.g. "handover:3"): the daily job never repeats it."""

    __tablename__ = "governance_notice"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
