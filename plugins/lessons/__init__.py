"""Lessons learned: exchange of lessons, good practices and existing initiatives."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from flask import Blueprint, url_for
from sqlalchemy import delete, func, select, update

from intranet.plugin_api import (
    Attachment,
    GrantableResource,
    NavItem,
    PersonalDataKind,
    ProfileSection,
    ReportSection,
    ResourceRef,
    ScalePeople,
    SearchResult,
    SimilarItem,
    User,
    Widget,
    anonymise_text,
    db,
    discard_attachment,
    hookimpl,
)
from plugins.lessons import documents
from plugins.lessons import search as finder
from plugins.lessons.models import (
    Editor,
    Endorsement,
    Initiative,
    InitiativeResource,
    Lesson,
    LessonComment,
    LessonRevision,
    LessonTerm,
)
from plugins.lessons.views import bp
from plugins.lessons.vocab import AREAS, COUNTRIES

LESSON = "lessons.lesson"


@hookimpl
def intranet_blueprints() -> list[Blueprint]:
    return [bp]


@hookimpl
def intranet_migrations() -> str:
    return str(Path(__file__).parent / "migrations" / "versions")


@hookimpl
def intranet_nav_items(user: User) -> list[NavItem]:
    return [NavItem("Lessons", url_for("lessons.index"), order=40, endpoint_prefix="lessons.")]


@hookimpl
def intranet_admin_nav_items(user: User) -> list[NavItem]:
    return [NavItem("Lesson editors", url_for("lessons.editors"), order=60)]


@hookimpl
def intranet_dashboard_widgets(user: User) -> list[Widget]:
    widgets = [
        Widget(
            "lessons-recent",
            "Recently published lessons",
            url_for("lessons.recent_widget"),
            order=40,
        )
    ]
    if finder.is_reviewer(user):
        widgets.append(
            Widget(
                "lessons-review",
                "Lessons awaiting review",
                url_for("lessons.review_widget"),
                order=41,
            )
        )
    return widgets


@hookimpl
def intranet_permission(user: User, action: str, resource: ResourceRef | None) -> bool | None:
    """Drafts stay with their author and the reviewers; guests see what is shared with partners.

    Answers only for lessons; abstains on published lessons for members (the role default
    lets them in) and on lessons not shared with partners for guests (default deny, which
    the partners plugin may override for a single lesson). Documents follow the lesson,
    narrowed by their own sharing level.
    """
    if resource is None or resource.kind != LESSON or not action.startswith("lessons."):
        return None
    if action == "lessons.view_attachment":
        return documents.may_download(user, resource)
    lesson = db.session.get(Lesson, resource.id)
    if lesson is None:
        return None
    author = lesson.author_id == user.id
    reviewer = finder.is_reviewer(user)
    if action == "lessons.view":
        if lesson.status != "published":
            return bool(author or reviewer)
        if user.is_guest and lesson.sharing in ("partners", "public"):
            return True
        return None
    if action == "lessons.edit":
        return not user.is_guest and (author or reviewer)
    if action == "lessons.review":
        return reviewer and lesson.status == "submitted"
    return None


@hookimpl
def intranet_search(query: str, user: User, limit: int) -> list[SearchResult]:
    words = finder.query_words(query)
    text = finder.text_match(words)
    if text is None:
        return []
    found = select(Lesson.id, Lesson.title, Lesson.summary, Lesson.published_at).where(
        finder.published_for(user)
    )
    lessons = db.session.execute(text.ranked(found).limit(limit)).all()
    return [
        SearchResult(
            "Lesson",
            lesson.title,
            url_for("lessons.show", lesson_id=lesson.id),
            snippet=lesson.summary[:300],
            rank=1.0 - position / max(1, len(lessons)),
            when=lesson.published_at,
        )
        for position, lesson in enumerate(lessons)
    ]


@hookimpl
def intranet_similar_work(text: str, user: User, limit: int) -> list[SimilarItem]:
    items = []
    for kind, (item_id, title, summary), score in finder.similar_lessons_and_initiatives(
        text, user, limit
    ):
        if kind == "lesson":
            url = url_for("lessons.show", lesson_id=item_id)
        else:
            url = url_for("lessons.initiative", initiative_id=item_id)
        label = "Lesson" if kind == "lesson" else "Initiative"
        items.append(SimilarItem(label, title, url, round(score, 3), finder.shorten(summary, 200)))
    return items


@hookimpl
def intranet_profile_sections(member: User, viewer: User) -> list[ProfileSection]:
    lessons = db.session.execute(
        select(Lesson.id, Lesson.title)
        .where(
            Lesson.author_id == member.id,
            finder.published_for(viewer),
        )
        .order_by(Lesson.published_at.desc())
        .limit(20)
    ).all()
    return [
        ProfileSection(
            "Published lessons",
            [(title, url_for("lessons.show", lesson_id=lesson_id)) for lesson_id, title in lessons],
            empty_text="No published lessons yet.",
            order=40,
        )
    ]


@hookimpl
def intranet_resource_sections(resource: ResourceRef, viewer: User) -> list[ProfileSection]:
    """On a sub-group's page: the registered initiatives linked to that group (one query).

    Initiatives are for members only, like their pages; guests get nothing.
    """
    if resource.kind != "subgroups.group" or viewer.is_guest:
        return []
    initiatives = db.session.execute(
        select(Initiative.id, Initiative.name)
        .join(InitiativeResource, InitiativeResource.initiative_id == Initiative.id)
        .where(
            InitiativeResource.resource_kind == resource.kind,
            InitiativeResource.resource_id == resource.id,
        )
        .order_by(Initiative.name)
    ).all()
    return [
        ProfileSection(
            "Initiatives and lessons",
            [
                (name, url_for("lessons.initiative", initiative_id=initiative_id))
                for initiative_id, name in initiatives
            ],
            empty_text="No registered initiative is linked to this group.",
            order=40,
        )
    ]


@hookimpl
def intranet_report_sections(start: date, end: date, user: User) -> list[ReportSection]:
    """Lessons published in the period, by country and area."""
    since = datetime.combine(start, time.min, tzinfo=UTC)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
    counts = {
        (country, area): count
        for country, area, count in db.session.execute(
            select(LessonTerm.value, Lesson.area, func.count())
            .join(Lesson, Lesson.id == LessonTerm.lesson_id)
            .where(
                LessonTerm.facet == "country",
                Lesson.status == "published",
                Lesson.published_at >= since,
                Lesson.published_at < until,
            )
            .group_by(LessonTerm.value, Lesson.area)
        )
    }
    total = db.session.scalar(
        select(func.count(Lesson.id)).where(
            Lesson.status == "published", Lesson.published_at >= since, Lesson.published_at < until
        )
    )
    rows = [
        [name, *[str(counts.get((code, area), 0)) for area in AREAS]]
        for code, name in COUNTRIES.items()
        if any(counts.get((code, area)) for area in AREAS)
    ]
    return [
        ReportSection(
            "Lessons learned published",
            summary=f"{total} lesson(s) published in the period.",
            headers=["Country", *AREAS.values()],
            rows=rows,
            order=40,
        ),
        coverage_change(since, until),
    ]


def coverage_change(since: datetime, until: datetime) -> ReportSection:
    """Cells of the coverage matrix (country by area with a published lesson) at the start and
    the end of the period, and the cells filled during it; one grouped query."""
    first_published = {
        (country, area): first
        for country, area, first in db.session.execute(
            select(LessonTerm.value, Lesson.area, func.min(Lesson.published_at))
            .join(Lesson, Lesson.id == LessonTerm.lesson_id)
            .where(
                LessonTerm.facet == "country",
                Lesson.status == "published",
                Lesson.published_at < until,
            )
            .group_by(LessonTerm.value, Lesson.area)
        )
        if country in COUNTRIES and area in AREAS
    }
    at_start = sum(1 for first in first_published.values() if first < since)
    filled = sorted(
        (cell for cell, first in first_published.items() if first >= since),
        key=lambda cell: (list(COUNTRIES).index(cell[0]), list(AREAS).index(cell[1])),
    )
    cells = len(COUNTRIES) * len(AREAS)
    return ReportSection(
        "Coverage of lessons learned: change",
        summary=(
            f"{at_start} of {cells} country and area cells had a published lesson at the start "
            f"of the period, {len(first_published)} at its end: {len(filled)} filled during "
            "the period."
        ),
        headers=["Country", "Area filled during the period"],
        rows=[[COUNTRIES[country], AREAS[area]] for country, area in filled],
        order=41,
    )


@hookimpl
def intranet_grantable_resources(user: User) -> list[GrantableResource]:
    """Published task-force lessons, which a single guest can be granted (every guest sees
    the lessons shared with partners or the public already)."""
    lessons = db.session.execute(
        select(Lesson.id, Lesson.title)
        .where(finder.published_for(user), Lesson.sharing == "taskforce")
        .order_by(Lesson.title)
    ).all()
    return [
        GrantableResource(
            ResourceRef(LESSON, lesson_id),
            f"Lesson: {title}",
            url_for("lessons.show", lesson_id=lesson_id),
        )
        for lesson_id, title in lessons
    ]


@hookimpl
def intranet_personal_data(user: User) -> dict[str, Any]:
    def stamp(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    lessons = db.session.scalars(
        select(Lesson).where(Lesson.author_id == user.id).order_by(Lesson.id)
    ).all()
    comments = db.session.scalars(
        select(LessonComment).where(LessonComment.author_id == user.id).order_by(LessonComment.id)
    ).all()
    endorsements = db.session.scalars(
        select(Endorsement).where(Endorsement.user_id == user.id).order_by(Endorsement.id)
    ).all()
    revisions = db.session.execute(
        select(LessonRevision.lesson_id, LessonRevision.number, LessonRevision.created_at)
        .where(LessonRevision.author_id == user.id)
        .order_by(LessonRevision.id)
    ).all()
    initiatives = db.session.scalars(
        select(Initiative).where(Initiative.author_id == user.id).order_by(Initiative.id)
    ).all()
    editor = db.session.get(Editor, user.id)
    return {
        "lessons": [
            {
                "id": lesson.id,
                **lesson.snapshot(),
                "created_at": stamp(lesson.created_at),
                "submitted_at": stamp(lesson.submitted_at),
                "published_at": stamp(lesson.published_at),
            }
            for lesson in lessons
        ],
        "comments": [
            {
                "lesson_id": c.lesson_id,
                "kind": c.kind,
                "body": c.body,
                "created_at": stamp(c.created_at),
            }
            for c in comments
        ],
        "endorsements": [
            {"lesson_id": e.lesson_id, "country": e.country_code, "created_at": stamp(e.created_at)}
            for e in endorsements
        ],
        "revisions_written": [
            {"lesson_id": lesson_id, "number": number, "created_at": stamp(at)}
            for lesson_id, number, at in revisions
        ],
        "initiatives": [
            {
                "name": i.name,
                "organisation": i.organisation,
                "contact": i.contact,
                "description": i.description,
                "created_at": stamp(i.created_at),
            }
            for i in initiatives
        ],
        "reviewer_since": stamp(editor.added_at) if editor else None,
    }


@hookimpl
def intranet_personal_data_kinds() -> list[PersonalDataKind]:
    return [
        PersonalDataKind(
            "Lessons, initiatives and their revisions",
            "Lessons learned and initiatives a member writes, every saved revision, and the "
            "contact person named in them.",
            "As long as the task force keeps the lesson; the author is removed when the "
            "account is erased.",
        ),
        PersonalDataKind(
            "Comments and endorsements",
            "Review and discussion comments, and “useful to us” endorsements with the "
            "endorser's country.",
            "Comments as long as the lesson (without author after erasure); endorsements until "
            "the account is erased.",
        ),
        PersonalDataKind(
            "Reviewers",
            "Members designated to review lessons besides the secretariat.",
            "Until the designation is withdrawn or the account is erased.",
        ),
    ]


@hookimpl
def intranet_demo_data(users: dict[str, User]) -> None:
    from plugins.lessons.demo import create_demo_data

    create_demo_data(users)


@hookimpl
def intranet_scale_data(scale: float, people: ScalePeople) -> None:
    from plugins.lessons.scale import create_scale_lessons

    create_scale_lessons(scale, people)


@hookimpl
def intranet_erase_personal_data(user: User) -> None:
    """Lessons, comments and initiatives stay (they are the task force's knowledge) without
    their author; an initiative's contact loses the name. Drafts, which nobody else can see,
    go with their documents."""
    is_draft = (Lesson.author_id == user.id) & (Lesson.status == "draft")
    for attachment in db.session.scalars(
        select(Attachment).where(
            Attachment.owner == documents.OWNER,
            Attachment.object_kind == documents.KIND,
            Attachment.object_id.in_(select(Lesson.id).where(is_draft)),
        )
    ).all():
        discard_attachment(attachment)
    db.session.execute(delete(Lesson).where(is_draft))
    for model, column in (
        (Lesson, Lesson.author_id),
        (LessonComment, LessonComment.author_id),
        (LessonRevision, LessonRevision.author_id),
    ):
        db.session.execute(update(model).where(column == user.id).values(author_id=None))
    db.session.execute(
        update(Initiative).where(Initiative.author_id == user.id).values(author_id=None)
    )
    anonymise_text(Initiative.contact, user)
    db.session.execute(delete(Endorsement).where(Endorsement.user_id == user.id))
    db.session.execute(delete(Editor).where(Editor.user_id == user.id))
