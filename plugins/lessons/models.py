"""Tables of the lessons plugin, all prefixed `lessons_`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.plugin_api import User, UTCDateTime, db, utcnow

lesson_initiative = Table(
    "lessons_lesson_initiative",
    db.metadata,
    Column("lesson_id", ForeignKey("lessons_lesson.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "initiative_id", ForeignKey("lessons_initiative.id", ondelete="CASCADE"), primary_key=True
    ),
    Index("ix_lessons_lesson_initiative_initiative_id", "initiative_id"),
)


def describe_period(start: int | None, end: int | None) -> str:
    """ "2019 to 2021", "2020", "since 2022" or nothing."""
    if not start:
        return ""
    if end == start:
        return str(start)
    return f"{start} to {end}" if end else f"since {start}"


AWAITING_REVIEW = "status = 'submitted' OR (status = 'published' AND pending_revision IS NOT NULL)"


class Lesson(db.Model):
    """A lesson learned or a practice, written by a member and published after review.

    The row holds the text readers see. Once published it changes only when a reviewer
    approves a change: an edit is kept as a revision, `pending_revision`, until then;
    `published_revision` is the revision the published text comes from.
    """

    __tablename__ = "lessons_lesson"
    __table_args__ = (
        Index("ix_lessons_lesson_status_sharing", "status", "sharing"),
        Index("ix_lessons_lesson_published_at", "published_at", "id"),
        Index("ix_lessons_lesson_status_pending", "status", "pending_revision"),
        # The reviewers' card, longest waiting first: only the lessons awaiting review, in
        # order, as rules.awaiting_review() writes the condition (values in the SQL, so that
        # both databases see it is the index's own).
        Index(
            "ix_lessons_lesson_awaiting_review",
            "submitted_at",
            "id",
            sqlite_where=text(AWAITING_REVIEW),
            postgresql_where=text(AWAITING_REVIEW),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    context: Mapped[str] = mapped_column(Text, default="")
    actions: Mapped[str] = mapped_column(Text, default="")
    results: Mapped[str] = mapped_column(Text, default="")
    recommendation: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[str] = mapped_column(String(20))
    area: Mapped[str] = mapped_column(String(20))
    target_group: Mapped[str] = mapped_column(String(20), default="adults")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    contact_person: Mapped[str] = mapped_column(String(200), default="")
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
    links: Mapped[str] = mapped_column(Text, default="")
    # active_history: the status before a change is known even if not loaded (coverage.py)
    status: Mapped[str] = mapped_column(String(20), default="draft", active_history=True)
    sharing: Mapped[str] = mapped_column(String(20), default="taskforce")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pending_revision: Mapped[int | None] = mapped_column(Integer)
    published_revision: Mapped[int | None] = mapped_column(Integer)

    author: Mapped[User | None] = relationship(User, lazy="joined")
    terms: Mapped[list[LessonTerm]] = relationship(
        back_populates="lesson", cascade="all, delete-orphan", lazy="selectin"
    )
    initiatives: Mapped[list[Initiative]] = relationship(
        secondary=lesson_initiative, back_populates="lessons", lazy="selectin"
    )

    def values(self, facet: str) -> list[str]:
        return sorted(term.value for term in self.terms if term.facet == facet)

    def set_values(self, facet: str, values: list[str]) -> None:
        """The lesson's values of `facet`; the terms that stay are kept, not written again
        (so saving a lesson whose countries did not change leaves the counts' stamp alone)."""
        wanted = set(values)
        keep = [term for term in self.terms if term.facet != facet or term.value in wanted]
        kept = {term.value for term in keep if term.facet == facet}
        added = [LessonTerm(facet=facet, value=value) for value in sorted(wanted - kept)]
        self.terms = keep + added

    @property
    def countries(self) -> list[str]:
        return self.values("country")

    @property
    def forms(self) -> list[str]:
        return self.values("form")

    @property
    def tags(self) -> list[str]:
        return self.values("tag")

    @property
    def for_referral(self) -> bool:
        """Children are another body's remit: such a record is flagged for referral."""
        return self.target_group == "children"

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]

    @property
    def period(self) -> str:
        return describe_period(self.start_year, self.end_year)

    def snapshot(self) -> dict[str, Any]:
        """Everything a revision keeps, as plain data."""
        return {
            "title": self.title,
            "summary": self.summary,
            "context": self.context,
            "actions": self.actions,
            "results": self.results,
            "recommendation": self.recommendation,
            "countries": self.countries,
            "level": self.level,
            "area": self.area,
            "target_group": self.target_group,
            "forms": self.forms,
            "organisation": self.organisation,
            "contact_person": self.contact_person,
            "start_year": self.start_year,
            "end_year": self.end_year,
            "links": self.links,
            "tags": self.tags,
            "sharing": self.sharing,
            "status": self.status,
        }


class LessonTerm(db.Model):
    """A multi-valued facet of a lesson: a country, a form of exploitation or a tag."""

    __tablename__ = "lessons_lesson_term"
    __table_args__ = (Index("ix_lessons_lesson_term_facet_value", "facet", "value"),)

    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("lessons_lesson.id", ondelete="CASCADE"), primary_key=True
    )
    facet: Mapped[str] = mapped_column(String(10), primary_key=True)
    value: Mapped[str] = mapped_column(String(60), primary_key=True)

    lesson: Mapped[Lesson] = relationship(back_populates="terms")


class LessonRevision(db.Model):
    """A full snapshot of a lesson, taken at every save."""

    __tablename__ = "lessons_revision"
    __table_args__ = (UniqueConstraint("lesson_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons_lesson.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)

    author: Mapped[User | None] = relationship(User, lazy="joined")


class LessonComment(db.Model):
    """A review comment on a draft (`review`) or a discussion comment on a published lesson."""

    __tablename__ = "lessons_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("lessons_lesson.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship(User, lazy="joined")


class Endorsement(db.Model):
    """ "This was useful to us": one per user and lesson, with the endorser's country."""

    __tablename__ = "lessons_endorsement"
    __table_args__ = (UniqueConstraint("lesson_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons_lesson.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    country_code: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(User, lazy="joined")


class Initiative(db.Model):
    """An existing network, project or initiative, registered so work is not duplicated."""

    __tablename__ = "lessons_initiative"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    level: Mapped[str] = mapped_column(String(20))
    area: Mapped[str] = mapped_column(String(20))
    start_year: Mapped[int | None] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
    website: Mapped[str] = mapped_column(String(500), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    country_rows: Mapped[list[InitiativeCountry]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    lessons: Mapped[list[Lesson]] = relationship(
        secondary=lesson_initiative, back_populates="initiatives", lazy="select"
    )
    resources: Mapped[list[InitiativeResource]] = relationship(
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="InitiativeResource.label",
    )

    @property
    def countries(self) -> list[str]:
        return sorted(row.code for row in self.country_rows)

    @countries.setter
    def countries(self, codes: list[str]) -> None:
        self.country_rows = [InitiativeCountry(code=code) for code in sorted(set(codes))]

    @property
    def period(self) -> str:
        return describe_period(self.start_year, self.end_year)

    def snapshot(self) -> dict[str, Any]:
        """Everything a revision of the initiative keeps, as plain data."""
        return {
            "name": self.name,
            "organisation": self.organisation,
            "countries": self.countries,
            "level": self.level,
            "area": self.area,
            "start_year": self.start_year,
            "end_year": self.end_year,
            "website": self.website,
            "contact": self.contact,
            "description": self.description,
            "subgroups": sorted(link.label for link in self.resources),
        }


class InitiativeRevision(db.Model):
    """Who changed an initiative and when, with everything it said after the change."""

    __tablename__ = "lessons_initiative_revision"
    __table_args__ = (UniqueConstraint("initiative_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("lessons_initiative.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)

    author: Mapped[User | None] = relationship(User, lazy="joined")


class InitiativeCountry(db.Model):
    __tablename__ = "lessons_initiative_country"

    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("lessons_initiative.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(8), primary_key=True)


class InitiativeResource(db.Model):
    """A link from an initiative to another plugin's object, e.g. a sub-group.

    Label and url are stored as the owning plugin offered them when the link was made, so
    the initiative page needs no call into that plugin.
    """

    __tablename__ = "lessons_initiative_resource"
    __table_args__ = (
        Index("ix_lessons_initiative_resource_resource", "resource_kind", "resource_id"),
    )

    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("lessons_initiative.id", ondelete="CASCADE"), primary_key=True
    )
    resource_kind: Mapped[str] = mapped_column(String(60), primary_key=True)
    resource_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str] = mapped_column(String(500), default="")


class Editor(db.Model):
    """A member designated to review lessons besides the secretariat and admins."""

    __tablename__ = "lessons_editor"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(User, lazy="joined")


class AttachmentShare(db.Model):
    """The sharing level of a document attached to a lesson (a core attachment).

    It starts as the lesson's level at upload; a document may be shared more narrowly than its
    lesson (a public lesson with a task-force-only annex). Missing means task force only.
    """

    __tablename__ = "lessons_attachment_share"

    attachment_id: Mapped[int] = mapped_column(
        ForeignKey("attachment.id", ondelete="CASCADE"), primary_key=True
    )
    sharing: Mapped[str] = mapped_column(String(20))


class LessonTally(db.Model):
    """How many lessons of a kind (public, partners, taskforce: published and shared so far;
    unpublished) having one facet value (`within_facet`, `within_value`; "" and "" for all of
    them) have another (`facet`, `value`; "" and "" for the number of lessons): the counts
    of a list unfiltered or filtered by one value, and of the coverage matrix. Kept by
    tally.py, row by row."""

    __tablename__ = "lessons_tally"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    within_facet: Mapped[str] = mapped_column(String(10), primary_key=True)
    within_value: Mapped[str] = mapped_column(String(60), primary_key=True)
    facet: Mapped[str] = mapped_column(String(10), primary_key=True)
    value: Mapped[str] = mapped_column(String(60), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
