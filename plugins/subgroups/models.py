"""Sub-groups: temporary working groups of the task force, their members and discussions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.plugin_api import User, UTCDateTime, db, utcnow

KINDS = {"topic": "Topic", "project": "Project", "initiative": "Initiative"}
STATUSES = {
    "proposed": "Proposed",
    "active": "Active",
    "archived": "Archived",
    "rejected": "Rejected",
}
JOIN_POLICIES = {
    "open": "Open to all members",
    "request": "On request (a convenor approves)",
    "invitation": "By invitation",
}
MEMBER_ROLES = {"convenor": "Convenor", "member": "Member", "participant": "Invited participant"}
MEMBER_STATES = {"active": "Active", "requested": "Requested", "invited": "Invited"}


def today() -> date:
    return utcnow().date()


class SubGroup(db.Model):
    __tablename__ = "subgroups_group"
    __table_args__ = (Index("ix_subgroups_group_status_end", "status", "end_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="topic")
    mandate: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    join_policy: Mapped[str] = mapped_column(String(20), default="open")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The end date the archive warning was sent for (the job warns once per end date).
    warned_end_date: Mapped[date | None] = mapped_column(Date)
    # Mailing-list mode, set by the convenors: every new post goes to the members in full.
    mail_every_post: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="group", cascade="all, delete-orphan"
    )

    @property
    def current_status(self) -> str:
        """The status as of today: an active group past its end date is archived already,
        even before the scheduled job has written it, so it is never writable after its end."""
        if self.status == "active" and self.end_date < today():
            return "archived"
        return self.status

    @property
    def is_writable(self) -> bool:
        return self.current_status == "active"

    @property
    def status_label(self) -> str:
        return STATUSES[self.current_status]

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def join_policy_label(self) -> str:
        return JOIN_POLICIES.get(self.join_policy, self.join_policy)


class Membership(db.Model):
    __tablename__ = "subgroups_membership"
    __table_args__ = (UniqueConstraint("group_id", "user_id", name="uq_subgroups_membership"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("subgroups_group.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20), default="member")
    state: Mapped[str] = mapped_column(String(20), default="active")
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the member last opened the group's page: posts after it count as unread.
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    group: Mapped[SubGroup] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()

    @property
    def role_label(self) -> str:
        return MEMBER_ROLES.get(self.role, self.role)


class Extension(db.Model):
    """A recorded prolongation of a group's end date."""

    __tablename__ = "subgroups_extension"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("subgroups_group.id", ondelete="CASCADE"), index=True
    )
    previous_end: Mapped[date] = mapped_column(Date)
    new_end: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    by: Mapped[User | None] = relationship()


class Thread(db.Model):
    __tablename__ = "subgroups_thread"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("subgroups_group.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[SubGroup] = relationship()
    author: Mapped[User | None] = relationship()
    posts: Mapped[list[Post]] = relationship(
        back_populates="thread", order_by="Post.id", cascade="all, delete-orphan"
    )


class Post(db.Model):
    __tablename__ = "subgroups_post"
    # the report counts a period's posts per thread from this index alone
    __table_args__ = (
        Index("ix_subgroups_post_thread_created", "thread_id", "created_at", "deleted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("subgroups_thread.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    thread: Mapped[Thread] = relationship(back_populates="posts")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])


class Activity(db.Model):
    """One line of a group's timeline: who did what, when."""

    __tablename__ = "subgroups_activity"
    __table_args__ = (Index("ix_subgroups_activity_group_at", "group_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("subgroups_group.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(String(300))

    group: Mapped[SubGroup] = relationship()
    actor: Mapped[User | None] = relationship()


def log_activity(group: SubGroup, actor: User | None, action: str, summary: str) -> None:
    db.session.add(
        Activity(group=group, actor_id=actor.id if actor else None, action=action, summary=summary)
    )
