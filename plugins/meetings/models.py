"""The meetings plugin's tables, all prefixed `meetings_`."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.plugin_api import User, UTCDateTime, db, time_zone, utcnow

if TYPE_CHECKING:
    from .notes import ActionNote

KINDS = {
    "plenary": "Plenary",
    "sub-group": "Sub-group meeting",
    "expert-workshop": "Expert workshop",
    "other": "Other",
}
STATUSES = {
    "planned": "Planned",
    "confirmed": "Confirmed",
    "held": "Held",
    "cancelled": "Cancelled",
}
RESPONSES = {"attending": "Attending", "not-attending": "Not attending", "tentative": "Tentative"}
MODES = {"in-person": "In person", "online": "Online"}
MINUTES_STATES = {"draft": "Draft", "approved": "Approved"}
ACTION_STATES = {"open": "Open", "done": "Done", "dropped": "Dropped"}
DECISION_STATES = {"adopted": "Adopted", "implemented": "Implemented", "superseded": "Superseded"}
# The body a decision is numbered in: the task force, or a sub-group ("SG" + its id).
TASK_FORCE_BODY = "TF"


class Series(db.Model):
    """Meetings that belong together (a recurring series, or the plenaries of one mandate)."""

    __tablename__ = "meetings_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Meeting(db.Model):
    __tablename__ = "meetings_meeting"
    # A sub-group's page lists its next meetings: found by owner, not by scanning all of them.
    # Partial, so that the task force's own meetings (no owner) are still found by start time.
    __table_args__ = (
        Index(
            "ix_meetings_meeting_owner",
            "owner_kind",
            "owner_id",
            "start_at",
            sqlite_where=text("owner_kind IS NOT NULL"),
            postgresql_where=text("owner_kind IS NOT NULL"),
        ),
        # Upcoming meetings: those under way come from a range of it (see upcoming.py).
        Index("ix_meetings_meeting_last_end_at_start_at", "last_end_at", "start_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="plenary")
    # A generic reference to the body that owns the meeting, e.g. ("subgroups.group", 3).
    owner_kind: Mapped[str | None] = mapped_column(String(64))
    owner_id: Mapped[int | None] = mapped_column(Integer)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # End of the last occurrence (equals end_at for a single meeting): upcoming vs past.
    last_end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64))
    venue: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    host_country: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(20), default="planned")
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings_series.id", ondelete="SET NULL"), index=True
    )
    rrule: Mapped[str | None] = mapped_column(String(500))
    # Local dates (ISO strings) on which an occurrence of the series does not take place.
    exdates: Mapped[list[str]] = mapped_column(JSON, default=list)
    agenda_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The iCalendar SEQUENCE: raised on every change invitees are told about, so that mail
    # clients replace the invitation they hold instead of adding a second one.
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Invited as "all members": a member who joins later is invited too (audiences.py).
    all_members_invited: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Delegations invited whole (country codes): their members who join later are invited too.
    invited_delegations: Mapped[list[str]] = mapped_column(
        JSON, default=list, server_default=text("'[]'")
    )
    # Sub-groups invited whole (their ids): who joins one later is invited, who leaves is not.
    invited_groups: Mapped[list[int]] = mapped_column(
        JSON, default=list, server_default=text("'[]'")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    series: Mapped[Series | None] = relationship()
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    participants: Mapped[list[Participant]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    minutes: Mapped[Minutes | None] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        foreign_keys="Minutes.meeting_id",
    )
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="meeting", order_by="Decision.id", cascade="all, delete-orphan"
    )
    action_items: Mapped[list[ActionItem]] = relationship(
        back_populates="meeting", order_by="ActionItem.id", cascade="all, delete-orphan"
    )
    overrides: Mapped[list[OccurrenceOverride]] = relationship(
        back_populates="meeting",
        order_by="OccurrenceOverride.occurs_on",
        cascade="all, delete-orphan",
    )

    @property
    def zone(self) -> ZoneInfo:
        return time_zone(self.timezone)

    @property
    def local_start(self) -> datetime:
        return self.start_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        return self.end_at.astimezone(self.zone)

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def has_begun(self) -> bool:
        """Whether the meeting (its first occurrence) has started: from then on its previous
        minutes can be approved and its attendance recorded."""
        return self.start_at <= utcnow()

    @property
    def body(self) -> str:
        """The body whose decisions this meeting takes: the task force or one sub-group."""
        return f"SG{self.owner_id}" if self.owner_kind else TASK_FORCE_BODY

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)


class OccurrenceOverride(db.Model):
    """What is different about one occurrence of a recurring meeting.

    `occurs_on` is the local date on which the series schedules the occurrence (its key, like
    the exception dates); each other column is None where the occurrence follows the series, so
    a later change of the whole series still reaches the parts an occurrence did not change.
    Agenda, participants and minutes stay those of the series.
    """

    __tablename__ = "meetings_occurrence_override"
    __table_args__ = (UniqueConstraint("meeting_id", "occurs_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings_meeting.id", ondelete="CASCADE"), index=True
    )
    occurs_on: Mapped[date] = mapped_column(Date)
    start_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    venue: Mapped[str | None] = mapped_column(String(300))
    online_url: Mapped[str | None] = mapped_column(String(500))
    cancelled: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="overrides")


class Reminder(db.Model):
    """A reminder sent to one invitee for the occurrence starting at `starts_at`.

    The primary key makes each reminder a claim: whoever inserts the row first sends it, so a
    second run of the jobs, on this host or another, sends nothing twice. A new start time is
    a new key, and so earns a new reminder.
    """

    __tablename__ = "meetings_reminder"
    __table_args__ = (PrimaryKeyConstraint("participant_id", "starts_at"),)

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("meetings_participant.id", ondelete="CASCADE")
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgendaItem(db.Model):
    __tablename__ = "meetings_agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings_meeting.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    presenter: Mapped[str] = mapped_column(String(200), default="")
    duration_minutes: Mapped[int] = mapped_column(Integer, default=15)
    description: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items")


class Participant(db.Model):
    """An invitation and its answer; `response` is None until the invitee answers."""

    __tablename__ = "meetings_participant"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings_meeting.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    response: Mapped[str | None] = mapped_column(String(20))
    mode: Mapped[str | None] = mapped_column(String(20))
    attended: Mapped[bool | None] = mapped_column()
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship(back_populates="participants")
    user: Mapped[User] = relationship()


class Minutes(db.Model):
    __tablename__ = "meetings_minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings_meeting.id", ondelete="CASCADE"), unique=True
    )
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # The next meeting of the same body, which approved them under its standing item.
    approved_in_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings_meeting.id", ondelete="SET NULL"), index=True
    )

    meeting: Mapped[Meeting] = relationship(back_populates="minutes", foreign_keys=[meeting_id])
    approved_by: Mapped[User | None] = relationship()
    approved_in: Mapped[Meeting | None] = relationship(foreign_keys=[approved_in_id])


class Decision(db.Model):
    """A decision of a meeting, numbered per body and year: "TF/2026/3" is the task force's
    third decision of 2026. The reference is given when the decision is recorded and never
    changes, so that documents can cite it."""

    __tablename__ = "meetings_decision"
    __table_args__ = (
        UniqueConstraint("body", "year", "number"),
        Index("ix_meetings_decision_year_number", "year", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings_meeting.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(40), default="")
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="adopted", server_default="adopted")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="decisions")

    @property
    def status_label(self) -> str:
        return DECISION_STATES.get(self.status, self.status)


class ActionItem(db.Model):
    """A task born in a meeting; owned by a member or by a whole country delegation."""

    __tablename__ = "meetings_action_item"
    # Matters arising: open items by due date, meeting_id included so that the items of other
    # bodies are skipped without reading their rows.
    # A delegation's and a member's own items counted by status from the index alone, and
    # listed by due date from it (action_lists.py).
    __table_args__ = (
        Index("ix_meetings_action_item_status_due_on", "status", "due_on", "id", "meeting_id"),
        Index(
            "ix_meetings_action_item_owner_country_status_due",
            "owner_country",
            "status",
            "due_on",
            "id",
        ),
        Index(
            "ix_meetings_action_item_owner_user_status_due",
            "owner_user_id",
            "status",
            "due_on",
            "id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings_meeting.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    owner_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    owner_country: Mapped[str | None] = mapped_column(String(8))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the owners and the secretariat were told the item is overdue (once per item).
    overdue_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship(back_populates="action_items")
    owner_user: Mapped[User | None] = relationship()
    # Loaded with the item where shown (a join, no query of its own).
    notes: Mapped[list[ActionNote]] = relationship(
        order_by="ActionNote.id", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def owner_label(self) -> str:
        if self.owner_user is not None:
            return self.owner_user.name
        return f"Delegation {self.owner_country}" if self.owner_country else "Unassigned"

    def is_overdue(self, today: date) -> bool:
        return self.status == "open" and self.due_on is not None and self.due_on < today


class FeedToken(db.Model):
    """The secret behind a user's personal calendar feed; only its SHA-256 digest is kept."""

    __tablename__ = "meetings_feed_token"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
