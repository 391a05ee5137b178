"""What the lessons plugin contributes to pages it does not own: search, similar work,
profiles, sub-groups and the guest grants offered by the partners plugin."""

from __future__ import annotations

from typing import Any

from flask import g, url_for
from sqlalchemy import func, select

from intranet.plugin_api import (
    GrantableResource,
    ProfileSection,
    ResourceRef,
    SearchResult,
    SearchTotal,
    SimilarItem,
    User,
    contains_words,
    db,
)

from . import rules, similar
from . import search as finder
from .models import (
    Initiative,
    InitiativeResource,
    Lesson,
)
from .rules import LESSON
from .words import query_words, shorten


def best_matches(query: str, user: User, limit: int) -> tuple[int, list[Any]]:
    """How many of the search's candidates among the lessons `user` may read match, and the
    best `limit` of them (id, title, summary, published_at): one statement, once per request,
    for the global search's results and its total."""
    words = query_words(query)
    text = finder.text_match(words)
    if text is None:
        return 0, []
    found: dict[tuple[int, tuple[str, ...]], tuple[int, list[Any], int]] = g.setdefault(
        "lessons_best", {}
    )
    key = (user.id, tuple(words))
    if key not in found or found[key][2] < limit:
        candidates = text.found([rules.published_for(user)])
        total = select(func.count()).select_from(candidates).scalar_subquery()
        best = finder.places(candidates, 0, max(limit, 1)).subquery()
        columns = (Lesson.id, Lesson.title, Lesson.summary, Lesson.published_at)
        rows = db.session.execute(
            select(*columns, total.label("total"))
            .join(best, best.c.id == Lesson.id)
            .order_by(best.c.place)
        ).all()
        found[key] = (rows[0].total if rows else 0, list(rows), limit)
    total, rows, _ = found[key]
    return total, rows[:limit]


def search_results(query: str, user: User, limit: int) -> list[SearchResult]:
    _, lessons = best_matches(query, user, limit)
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


def search_totals(query: str, user: User) -> list[SearchTotal]:
    """How many lessons `user` may read match `query`: the search's candidates counted, so a
    common word reads "more than 500" instead of a count of the whole table."""
    if finder.text_match(query_words(query)) is None:
        return []
    count, _ = best_matches(query, user, 1)
    exact = count <= finder.CANDIDATES
    return [
        SearchTotal(
            "Lesson",
            min(count, finder.CANDIDATES),
            url_for("lessons.index", q=query),
            exact=exact,
        )
    ]


def similar_items(text: str, user: User, limit: int) -> list[SimilarItem]:
    items = []
    for kind, (item_id, title, summary), score in similar.similar_lessons_and_initiatives(
        text, user, limit
    ):
        if kind == "lesson":
            url = url_for("lessons.show", lesson_id=item_id)
        else:
            url = url_for("lessons.initiative", initiative_id=item_id)
        label = "Lesson" if kind == "lesson" else "Initiative"
        items.append(SimilarItem(label, title, url, round(score, 3), shorten(summary, 200)))
    return items


def profile_sections(member: User, viewer: User) -> list[ProfileSection]:
    lessons = db.session.execute(
        select(Lesson.id, Lesson.title)
        .where(
            Lesson.author_id == member.id,
            rules.published_for(viewer),
            rules.DATED,
        )
        .order_by(*rules.NEWEST_PUBLISHED)
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


def resource_sections(resource: ResourceRef, viewer: User) -> list[ProfileSection]:
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


def grantable_resources(
    user: User,
    query: str | None = None,
    refs: set[ResourceRef] | None = None,
    limit: int | None = None,
) -> list[GrantableResource]:
    """Published task-force lessons, which a single guest can be granted (every guest sees
    the lessons shared with partners or the public already), by title: those whose title has
    the words of `query`, those among `refs`, the newest `limit` of them."""
    statement = select(Lesson.id, Lesson.title).where(
        rules.published_for(user),
        Lesson.sharing == "taskforce",
        contains_words(Lesson.title, query),
    )
    if refs is not None:
        statement = statement.where(Lesson.id.in_([ref.id for ref in refs if ref.kind == LESSON]))
    if limit is not None:
        statement = statement.order_by(Lesson.id.desc()).limit(limit)
    lessons = sorted(db.session.execute(statement).all(), key=lambda row: (row.title, row.id))
    return [
        GrantableResource(
            ResourceRef(LESSON, lesson_id),
            f"Lesson: {title}",
            url_for("lessons.show", lesson_id=lesson_id),
        )
        for lesson_id, title in lessons
    ]
