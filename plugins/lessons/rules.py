"""Who may do what with a lesson: the permission answers and the list filters of the plugin.

The pages, the permission hook and the other plugins all ask these rules, so they never
disagree about who sees a draft, a submitted lesson or a lesson shared with partners.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.orm import aliased

from intranet.plugin_api import ResourceRef, User, can_many, db, permitted_refs

from . import documents
from .models import Editor, Initiative, Lesson, LessonRevision

LESSON = "lessons.lesson"
INITIATIVE = "lessons.initiative"


def is_reviewer(user: Any) -> bool:
    """Secretariat, admins and designated editors review lessons (cached per request)."""
    if user is None or not user.is_authenticated or user.is_guest:
        return False
    if user.is_staff:
        return True
    known = g.setdefault("lessons_reviewer", {})
    if user.id not in known:  # the key alone: an Editor would load its account too
        editor = select(Editor.user_id).where(Editor.user_id == user.id)
        known[user.id] = db.session.scalar(editor) is not None
    return known[user.id]


def visible_to(user: Any) -> ColumnElement[bool]:
    """The lessons `user` may list: the view rule as one SQL clause, as `can()` answers it
    (a veto hides, an allow shows, and when the plugin abstains members see and guests see
    only what another plugin granted them)."""
    if user is None or not user.is_authenticated:
        return and_(Lesson.status == "published", Lesson.sharing == "public")
    allow, veto = lesson_votes(user, "lessons.view")
    if user.is_guest:
        granted = granted_lesson_ids(user)
        return or_(allow, Lesson.id.in_(granted)) if granted else allow
    return not_(veto)


def published_for(user: Any) -> ColumnElement[bool]:
    """The published lessons `user` may list. Members see every published lesson, so only
    visitors and guests need the sharing rule, and nobody's reviewer role is looked up."""
    if user is None or not user.is_authenticated or user.is_guest:
        return visible_to(user)  # published ones only, for them
    return Lesson.status == "published"


def unpublished_for(user: Any) -> ColumnElement[bool]:
    """Among the lessons not published, those `user` may list at most: every one for a
    reviewer, their own for anyone else (as `lesson_votes` lets them view). Said on its own,
    it lets a list find someone's drafts through their authorship instead of among all drafts;
    `visible_to` still decides."""
    if user is None or not user.is_authenticated:
        return false()
    return true() if is_reviewer(user) else Lesson.author_id == user.id


# Published lessons, newest first. A descending order puts the lessons without a publication
# date (drafts, 100,000 of them at N=10) first on PostgreSQL, and its index scan would step
# over all of them before the first published one (600 ms for the dashboard card); a
# published lesson always has its date, and saying so lets the scan start past them.
DATED = Lesson.published_at.is_not(None)
NEWEST_PUBLISHED = (Lesson.published_at.desc(), Lesson.id.desc())


def granted_lesson_ids(user: User) -> list[int]:
    """Published task-force lessons a guest may view all the same: granted one by one by
    another plugin (partners), which names them in `intranet_permitted`; `can_many()` then
    counts every plugin's vote on them, so that a veto still hides one. Computed once per
    request, in one statement whatever the number of lessons.
    """
    cache = g.setdefault("lessons_granted", {})
    if user.id not in cache:
        named = [ref.id for ref in permitted_refs(user, "lessons.view") if ref.kind == LESSON]
        published = and_(Lesson.status == "published", Lesson.sharing == "taskforce")
        candidates = db.session.scalars(
            select(Lesson.id).where(Lesson.id.in_(named), published).order_by(Lesson.id)
        ).all()
        granted = can_many(user, "lessons.view", LESSON, candidates)
        cache[user.id] = [lesson_id for lesson_id in candidates if lesson_id in granted]
    return cache[user.id]


Votes = tuple[ColumnElement[bool], ColumnElement[bool]]


def lesson_votes(user: Any, action: str, *, reviewer: bool | None = None) -> Votes | None:
    """(allow, veto) of `user` for `action` on lessons, as SQL over `lessons_lesson`: the one
    rule behind the permission hooks and the list pages. A lesson matching neither gets no vote
    (the role default lets members in; guests need another plugin's grant). None: no vote on
    any lesson.

    Drafts and submitted lessons stay with their author and the reviewers; guests see published
    lessons shared with partners or the public. The author and the reviewers edit, and they
    alone see the history, the diffs, the review comments and a change waiting for review.
    Reviewers review what was submitted, or a change to a published lesson; four eyes: one
    who wrote the lesson or the change under review never decides on it. For the same reason,
    sharing a document of a published lesson beyond the task force is a reviewer's decision,
    never the author's. `reviewer` tells whether `user` reviews, when it is known already.

    The clauses of a signed-in user are kept per worker (`kept_votes`): a list asks for them
    on every view, and building them took a twentieth of the page.
    """
    reviews = is_reviewer(user) if reviewer is None else reviewer
    if isinstance(user.id, int):
        return kept_votes(user.id, user.is_guest, reviews, action)
    return built_votes(user, action, reviews)


@lru_cache(maxsize=1024)
def kept_votes(user_id: int, guest: bool, reviewer: bool, action: str) -> Votes | None:
    """`built_votes` of a user by their id and kind: the clauses are immutable, so every
    request of the worker may use them."""
    return built_votes(BoundViewer(user_id, guest), action, reviewer)


def built_votes(user: Any, action: str, reviews: bool) -> Votes | None:
    published = Lesson.status == "published"
    own = and_(Lesson.author_id.is_not(None), Lesson.author_id == user.id)
    reviewer = true() if reviews else false()
    mine = or_(own, reviewer)
    member = false() if user.is_guest else true()
    if action == "lessons.view":
        shared = and_(published, Lesson.sharing.in_(("partners", "public")))
        allow = or_(and_(not_(published), mine), and_(not_(member), shared))
        return allow, and_(not_(published), not_(mine))
    awaiting = awaiting_review()
    if action in ("lessons.edit", "lessons.history"):
        allow = and_(member, mine)
    elif action == "lessons.review":
        allow = and_(reviewer, awaiting)
    elif action == "lessons.approve":
        allow = and_(reviewer, awaiting, not_(own), not_(wrote_latest_revision(user)))
    elif action == "lessons.widen_documents":
        allow = and_(member, mine, or_(not_(published), and_(reviewer, not_(own))))
    else:
        return None
    return allow, not_(allow)


def awaiting_review() -> ColumnElement[bool]:
    """Lessons a reviewer has to decide on: submitted, or published with a change waiting.

    The values are written into the SQL (models.AWAITING_REVIEW is the same condition): a
    database uses the partial index of these lessons only for a condition it can see is the
    index's own, which a bound parameter hides."""
    submitted = literal("submitted", literal_execute=True)
    published = literal("published", literal_execute=True)
    return or_(
        Lesson.status == submitted,
        and_(Lesson.status == published, Lesson.pending_revision.is_not(None)),
    )


def wrote_latest_revision(user: User) -> ColumnElement[bool]:
    """The lesson's latest revision, the one a review decides on, is `user`'s."""
    other = aliased(LessonRevision)
    latest = select(func.max(other.number)).where(other.lesson_id == Lesson.id).scalar_subquery()
    return exists().where(
        LessonRevision.lesson_id == Lesson.id,
        LessonRevision.number == latest,
        LessonRevision.author_id == user.id,
    )


def initiative_votes(user: User, action: str) -> Votes | None:
    """(allow, veto) for `action` on initiatives: whoever registered one, the reviewers and
    staff edit it. Viewing is the role default (members, no guests), as on their pages."""
    if action != "lessons.edit":
        return None
    own = and_(Initiative.author_id.is_not(None), Initiative.author_id == user.id)
    reviewer = true() if is_reviewer(user) else false()
    allow = and_(false() if user.is_guest else true(), or_(own, reviewer))
    return allow, not_(allow)


RULES = {LESSON: (Lesson, lesson_votes), INITIATIVE: (Initiative, initiative_votes)}


def permission_many(user: User, action: str, kind: str, ids: list[int]) -> dict[int, bool] | None:
    """{id: True (allow) or False (veto)} for the objects among `ids` that get a vote; one
    query for all, from the same rule the plugin's pages use."""
    if kind not in RULES or not action.startswith("lessons."):
        return None
    if kind == LESSON and len(ids) == 1 and action in LESSON_ACTIONS and is_page_request():
        answers = lesson_answers(user, ids[0])
        return {ids[0]: answers[action]} if action in answers else {}
    model, rule = RULES[kind]
    votes = rule(user, action)
    if votes is None:
        return None
    allow, veto = votes
    rows = db.session.execute(select(model.id, allow, veto).where(model.id.in_(ids)))
    return {id_: bool(yes) for id_, yes, no in rows if yes or no}


def permission(user: User, action: str, resource: ResourceRef | None) -> bool | None:
    """The single-object answer `permission_many` cannot give: a document follows its lesson,
    narrowed by its own sharing level (which only the download request tells). For every
    other action `can()` asks `permission_many` about the one object, so answering it here
    as well would only run the same rule twice."""
    if resource is None or resource.id is None:
        return None
    if resource.kind == LESSON and action == "lessons.view_attachment":
        return documents.may_download(user, resource)
    return None


LESSON_ACTIONS = (
    "lessons.view",
    "lessons.edit",
    "lessons.history",
    "lessons.review",
    "lessons.approve",
    "lessons.widen_documents",
)


def is_page_request() -> bool:
    return has_request_context() and request.method == "GET"


def lesson_answers(user: User, lesson_id: int) -> dict[str, bool]:
    """The votes of `user` on every action on one lesson, read in one statement and kept for
    the request: a page asks for several actions, and for each of its documents. Only pages
    (GET) use it, so that a request changing the lesson never reads a vote from before."""
    cache = g.setdefault("lessons_answers", {})
    key = (user.id, lesson_id)
    if key not in cache:
        statement = answers_statement(is_reviewer(user), user.is_guest)
        row = db.session.execute(statement, {"viewer_id": user.id, "lesson_id": lesson_id}).first()
        cache[key] = {
            action: bool(row[2 * n])
            for n, action in enumerate(LESSON_ACTIONS)
            if row is not None and (row[2 * n] or row[2 * n + 1])
        }
    return cache[key]


@dataclass(frozen=True)
class BoundViewer:
    """Any viewer of one kind, whose id is bound when the statement runs."""

    id: Any
    is_guest: bool


@lru_cache(maxsize=4)
def answers_statement(reviewer: bool, guest: bool) -> Select[Any]:
    """The statement of `lesson_answers` for every viewer who reviews or not and is a guest or
    not, built once per worker, with the viewer's id (:viewer_id) and the lesson's
    (:lesson_id) bound when it runs: building the six rules and their cache key on each
    request took a fifth of a lesson's page."""
    viewer = BoundViewer(bindparam("viewer_id"), guest)
    columns = []
    for n, action in enumerate(LESSON_ACTIONS):
        allow, veto = lesson_votes(viewer, action, reviewer=reviewer) or (false(), false())
        columns += [allow.label(f"allow_{n}"), veto.label(f"veto_{n}")]
    return select(*columns).where(Lesson.id == bindparam("lesson_id"))
