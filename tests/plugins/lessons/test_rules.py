"""can() and can_many() say exactly what the lessons plugin's own pages show, for every role
and for lessons in every state: a plugin using only the documented contract sees what the
owner plugin shows."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import delete, select

from intranet.extensions import db
from intranet.plugin_api import ResourceRef, can, can_many
from intranet_lessons.models import Editor, Initiative, Lesson, LessonRevision
from intranet_lessons.rules import LESSON_ACTIONS, answers_statement, published_for, visible_to

LESSON = "lessons.lesson"
INITIATIVE = "lessons.initiative"


@pytest.fixture
def world(app, make_user, make_lesson, grant) -> dict[str, Any]:
    """Lessons in every state, and one user of every kind, a guest granted two lessons by a
    plugin that answers both permission hooks, as the contract asks."""
    author = make_user("member", name="Anna Author")
    editor = make_user("member", name="Erik Editor")
    db.session.add(Editor(user_id=editor.id))
    users = {
        "admin": make_user("admin"),
        "secretariat": make_user("secretariat"),
        "author": author,
        "member": make_user("member"),
        "editor": editor,
        "granted guest": make_user("guest"),
        "guest": make_user("guest"),
    }
    lessons = {
        "draft": make_lesson(author, "Rule draft", status="draft"),
        "submitted": make_lesson(author, "Rule submitted", status="submitted"),
        "task force": make_lesson(author, "Rule task force"),
        "granted": make_lesson(author, "Rule granted"),
        "partners": make_lesson(author, "Rule partners", sharing="partners"),
        "public": make_lesson(author, "Rule public", sharing="public"),
        "granted draft": make_lesson(author, "Rule granted draft", status="draft"),
        "changed": make_lesson(author, "Rule changed"),
        "editor's own": make_lesson(editor, "Rule editor's own", status="submitted"),
    }
    changed = lessons["changed"]
    db.session.add(
        LessonRevision(
            lesson_id=changed.id,
            number=2,
            author_id=author.id,
            snapshot={**changed.snapshot(), "title": "Changed"},
        )
    )
    changed.pending_revision = 2
    db.session.commit()
    for name in ("granted", "granted draft"):
        grant(users["granted guest"], lessons[name])
    return {"users": users, "lessons": lessons}


PAGES = {  # action: (page, what the page shows to those allowed)
    "lessons.view": ("/lessons/{id}", ""),
    "lessons.edit": ("/lessons/{id}/edit", ""),
    "lessons.history": ("/lessons/{id}/history", ""),
    "lessons.review": ("/lessons/{id}/review", ""),
    "lessons.approve": ("/lessons/{id}/review", 'name="decision"'),
}


def shows(client, url: str, sign: str) -> bool:
    response = client.get(url)
    return response.status_code == 200 and sign in response.get_data(as_text=True)


def listed_ids(client) -> set[int]:
    page = client.get("/lessons/").get_data(as_text=True)
    return {int(found) for found in re.findall(r'href="/lessons/(\d+)"', page)}


@pytest.mark.parametrize(
    "role",
    ["admin", "secretariat", "author", "member", "editor", "granted guest", "guest"],
)
def test_can_and_can_many_agree_with_the_pages(app, client, world, role):
    user = world["users"][role]
    lessons = world["lessons"]
    ids = [lesson.id for lesson in lessons.values()]
    client.login(user.email)
    for action, (page, sign) in PAGES.items():
        shown = {
            lesson.id
            for lesson in lessons.values()
            if shows(client, page.format(id=lesson.id), sign)
        }
        with app.test_request_context():
            one_by_one = {id_ for id_ in ids if can(user, action, ResourceRef(LESSON, id_))}
        with app.test_request_context():
            at_once = can_many(user, action, LESSON, ids)
        assert one_by_one == shown, (role, action)
        assert at_once == shown, (role, action)
    with app.test_request_context():
        visible = can_many(user, "lessons.view", LESSON, ids)
    assert listed_ids(client) & set(ids) == visible


def test_the_rules_as_the_roles_expect_them(app, world):
    users, lessons = world["users"], world["lessons"]

    def viewable(role: str) -> set[str]:
        with app.test_request_context():
            found = can_many(users[role], "lessons.view", LESSON, [x.id for x in lessons.values()])
        return {name for name, lesson in lessons.items() if lesson.id in found}

    published = {"task force", "granted", "partners", "public", "changed"}
    assert viewable("member") == published
    assert viewable("admin") == set(lessons)
    assert viewable("author") == set(lessons) - {"editor's own"}
    assert viewable("editor") == set(lessons)
    assert viewable("guest") == {"partners", "public"}
    assert viewable("granted guest") == {"partners", "public", "granted"}


@pytest.mark.parametrize("role", ["admin", "secretariat", "author", "member", "editor", "guest"])
def test_initiative_edits_agree_with_the_edit_page(app, client, world, role):
    user = world["users"][role]
    items = [
        Initiative(name=name, level="national", area="protection", author_id=author)
        for name, author in (
            ("Theirs", world["users"]["author"].id),
            ("Nobody's", None),
            ("Their own", user.id),  # a guest's from before: still not theirs to edit
        )
    ]
    db.session.add_all(items)
    db.session.commit()
    ids = [item.id for item in items]
    client.login(user.email)
    shown = {
        id_ for id_ in ids if client.get(f"/lessons/initiatives/{id_}/edit").status_code == 200
    }
    with app.test_request_context():
        one_by_one = {id_ for id_ in ids if can(user, "lessons.edit", ResourceRef(INITIATIVE, id_))}
    with app.test_request_context():
        assert can_many(user, "lessons.edit", INITIATIVE, ids) == shown == one_by_one
    assert (ids[2] in shown) == (role != "guest")


def test_a_visitor_lists_the_published_public_lessons_only(app, world):
    public = {world["lessons"]["public"].id}
    for rule in (visible_to(None), visible_to(AnonymousUserMixin()), published_for(None)):
        assert set(db.session.scalars(select(Lesson.id).where(rule))) == public
    assert (
        set(db.session.scalars(select(Lesson.id).where(published_for(AnonymousUserMixin()))))
        == public
    )


def test_an_author_who_becomes_a_guest_keeps_reading_their_drafts(app, client, world):
    """An expert who moves to a partner organisation becomes a guest: the drafts they wrote
    stay theirs to read (they are listed and open), but no longer theirs to edit, and nobody
    else's draft opens."""
    author, lessons = world["users"]["author"], world["lessons"]
    author.role = "guest"
    db.session.commit()
    client.login(author.email)
    own_drafts = {lessons["draft"].id, lessons["submitted"].id}
    with app.test_request_context():
        visible = can_many(author, "lessons.view", LESSON, [x.id for x in lessons.values()])
        editable = can_many(author, "lessons.edit", LESSON, [x.id for x in lessons.values()])
    assert own_drafts <= visible
    assert lessons["editor's own"].id not in visible
    assert editable == set()
    assert own_drafts <= listed_ids(client)
    assert client.get(f"/lessons/{lessons['draft'].id}").status_code == 200
    assert client.get(f"/lessons/{lessons['draft'].id}/edit").status_code == 403


def test_one_worker_answers_each_kind_of_viewer_as_its_own_rules_do(app, world):
    """A lesson's page reads every answer from one statement built once per worker for each
    kind of viewer (reviewer or not, guest or not), the viewer bound when it runs: one after
    another in the same worker, each gets what the list rule (can_many) gives them."""
    answers_statement.cache_clear()
    ids = [lesson.id for lesson in world["lessons"].values()]
    order = ["member", "editor", "guest", "author", "granted guest", "admin", "member", "editor"]
    for role in order:
        user = world["users"][role]
        for action in LESSON_ACTIONS:
            with app.test_request_context():
                one_by_one = {id_ for id_ in ids if can(user, action, ResourceRef(LESSON, id_))}
            with app.test_request_context():  # several ids: the list rule
                at_once = can_many(user, action, LESSON, ids)
            assert one_by_one == at_once, (role, action)


def test_a_member_made_editor_then_guest_is_answered_as_they_are_now(app, client, world):
    """The rules' clauses are kept per worker for each user and kind (`kept_votes`): a member
    who becomes an editor lists the submitted lessons on their next view, and one who then
    becomes a guest lists only what guests see."""
    member, lessons = world["users"]["member"], world["lessons"]
    ids = {lesson.id for lesson in lessons.values()}
    client.login(member.email)
    assert lessons["submitted"].id not in listed_ids(client)
    db.session.add(Editor(user_id=member.id))
    db.session.commit()
    assert lessons["submitted"].id in listed_ids(client)
    assert client.get(f"/lessons/{lessons['submitted'].id}/review").status_code == 200
    db.session.execute(delete(Editor).where(Editor.user_id == member.id))
    member.role = "guest"
    db.session.commit()
    assert listed_ids(client) & ids == {lessons["partners"].id, lessons["public"].id}
