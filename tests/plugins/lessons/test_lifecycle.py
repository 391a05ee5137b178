"""A lesson's life cannot be walked around: a change to a published lesson waits for review,
four eyes decide, steps start only from their own state, and history, diffs and review
comments stay with the author and the reviewers."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from intranet.extensions import db
from intranet_lessons.models import Editor, Lesson, LessonComment, LessonRevision

from .test_review import FORM


def form_of(lesson: Lesson, **changes: Any) -> dict[str, Any]:
    return {
        **FORM,
        "title": lesson.title,
        "summary": lesson.summary,
        "countries": lesson.countries,
        "sharing": lesson.sharing,
        **changes,
    }


@pytest.fixture
def editor(make_user) -> Any:
    user = make_user("member", email="editor@example.org", name="Erik Editor")
    db.session.add(Editor(user_id=user.id))
    db.session.commit()
    return user


def test_widening_a_published_lesson_waits_for_a_reviewer(
    client, login_as, member, secretariat, make_lesson
):
    lesson = make_lesson(member, "Kept in the task force", summary="Harbour checks.")
    client.login(member.email)
    edited = form_of(lesson, title="Now for everyone", summary="Names of the survivors.")
    response = client.submit(f"/lessons/{lesson.id}/edit", {**edited, "sharing": "public"})
    assert response.status_code == 303

    db.session.refresh(lesson)
    assert (lesson.title, lesson.sharing) == ("Kept in the task force", "taskforce")
    client.submit("/logout")
    assert "Now for everyone" not in client.get("/lessons/public").get_data(as_text=True)
    assert "Now for everyone" not in client.get("/lessons/feed.atom").get_data(as_text=True)
    assert client.get(f"/lessons/public/{lesson.id}").status_code == 404
    reader = secretariat  # any signed-in reader: the page, search and exports show the row
    client.login(reader.email)
    page = client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    assert "Kept in the task force" in page and "Names of the survivors" not in page
    assert "waits for review" in page
    assert "Now for everyone" not in client.get("/lessons/?q=everyone").get_data(as_text=True)
    assert "Now for everyone" not in client.get("/search?q=everyone").get_data(as_text=True)
    assert "Now for everyone" not in client.get("/lessons/export.json").get_data(as_text=True)
    review = client.get(f"/lessons/{lesson.id}/review").get_data(as_text=True)
    assert "+Now for everyone" in review

    client.submit(f"/lessons/{lesson.id}/review", {"decision": "publish"})
    db.session.refresh(lesson)
    assert (lesson.title, lesson.sharing) == ("Now for everyone", "public")
    assert lesson.pending_revision is None
    client.submit("/logout")
    assert "Now for everyone" in client.get("/lessons/public").get_data(as_text=True)
    assert "Now for everyone" in client.get("/lessons/feed.atom").get_data(as_text=True)


def test_a_change_sent_back_leaves_the_published_lesson_as_it_was(
    client, login_as, member, secretariat, make_lesson
):
    lesson = make_lesson(member, "As published")
    client.login(member.email)
    client.submit(f"/lessons/{lesson.id}/edit", form_of(lesson, title="Rewritten"))
    login_as(secretariat)
    client.submit(
        f"/lessons/{lesson.id}/review", {"decision": "return", "comment": "Keep the title."}
    )
    db.session.refresh(lesson)
    assert (lesson.title, lesson.status, lesson.pending_revision) == (
        "As published",
        "published",
        None,
    )
    assert client.get(f"/lessons/{lesson.id}/review").status_code == 403  # nothing waits


def test_a_reviewer_never_publishes_their_own_lesson(client, login_as, editor, secretariat):
    client.login(editor.email)
    response = client.submit("/lessons/new", {**FORM, "sharing": "public"})
    assert response.status_code == 303
    lesson = db.session.scalar(select(Lesson).order_by(Lesson.id.desc()))
    client.submit(f"/lessons/{lesson.id}/submit")

    page = client.get(f"/lessons/{lesson.id}/review").get_data(as_text=True)
    assert 'name="decision"' not in page
    assert "You wrote this lesson, so another reviewer decides on it" in page
    refused = client.submit(f"/lessons/{lesson.id}/review", {"decision": "publish"})
    assert refused.status_code == 403
    db.session.refresh(lesson)
    assert lesson.status == "submitted"
    assert "Joint visits" not in client.get("/lessons/public").get_data(as_text=True)

    login_as(secretariat)  # the author is the only designated reviewer: the secretariat approves
    assert 'name="decision"' in client.get(f"/lessons/{lesson.id}/review").get_data(as_text=True)
    client.submit(f"/lessons/{lesson.id}/review", {"decision": "publish"})
    db.session.refresh(lesson)
    assert lesson.status == "published"


def test_a_reviewer_never_approves_their_own_change(
    client, login_as, member, editor, secretariat, make_lesson
):
    lesson = make_lesson(member, "Someone else's lesson")
    client.login(editor.email)
    client.submit(f"/lessons/{lesson.id}/edit", form_of(lesson, sharing="public"))
    page = client.get(f"/lessons/{lesson.id}/review").get_data(as_text=True)
    assert "You wrote this change" in page
    assert client.submit(f"/lessons/{lesson.id}/review", {"decision": "publish"}).status_code == 403
    db.session.refresh(lesson)
    assert (lesson.sharing, lesson.pending_revision) == ("taskforce", 2)

    login_as(member)  # the author is no reviewer at all
    assert client.get(f"/lessons/{lesson.id}/review").status_code == 403
    login_as(secretariat)
    client.submit(f"/lessons/{lesson.id}/review", {"decision": "publish"})
    db.session.refresh(lesson)
    assert lesson.sharing == "public"


def database_state() -> tuple[Any, ...]:
    lessons = db.session.execute(
        select(
            Lesson.id,
            Lesson.status,
            Lesson.sharing,
            Lesson.title,
            Lesson.pending_revision,
            Lesson.published_at,
        ).order_by(Lesson.id)
    ).all()
    revisions = db.session.scalar(select(func.count(LessonRevision.id)))
    comments = db.session.scalar(select(func.count(LessonComment.id)))
    return (tuple(lessons), revisions, comments)


def test_no_step_starts_from_a_wrong_state_whoever_asks(
    client, login_as, member, editor, secretariat, admin, guest, make_user, make_lesson, grant
):
    author = make_user("member", name="Anna Author")
    draft = make_lesson(author, "A draft", status="draft")
    submitted = make_lesson(author, "Submitted", status="submitted")
    published = make_lesson(author, "Published", sharing="partners")
    changed = make_lesson(author, "Published and changed")
    db.session.add(
        LessonRevision(
            lesson_id=changed.id,
            number=2,
            author_id=author.id,
            snapshot={**changed.snapshot(), "title": "The change"},
        )
    )
    changed.pending_revision = 2
    db.session.commit()
    for lesson in (draft, submitted, published, changed):
        grant(guest, lesson)
    wrong = [
        *((lesson, f"/lessons/{lesson.id}/submit", {}) for lesson in (submitted, published)),
        (changed, f"/lessons/{changed.id}/submit", {}),
        *(
            (lesson, f"/lessons/{lesson.id}/review", {"decision": decision, "comment": "No."})
            for lesson in (draft, published)
            for decision in ("publish", "return")
        ),
    ]
    before = database_state()
    for user in (author, member, editor, secretariat, admin, guest):
        login_as(user)
        for lesson, url, data in wrong:
            response = client.submit(url, data)
            assert response.status_code in (403, 404, 409), (user.role, lesson.title, url, data)
            assert database_state() == before, (user.role, lesson.title, url, data)


def test_history_diffs_and_review_comments_stay_with_the_author_and_reviewers(
    client, login_as, member, secretariat, guest, make_user, make_lesson, grant
):
    client.login(member.email)
    response = client.submit(
        "/lessons/new", {**FORM, "summary": "Anna, a survivor, told us.", "sharing": "taskforce"}
    )
    assert response.status_code == 303
    lesson = db.session.scalar(select(Lesson).order_by(Lesson.id.desc()))
    grant(guest, lesson)
    client.submit(
        f"/lessons/{lesson.id}/edit",
        {**FORM, "summary": "A survivor told us.", "sharing": "taskforce"},
    )
    client.submit(f"/lessons/{lesson.id}/submit")
    login_as(secretariat)
    client.submit(
        f"/lessons/{lesson.id}/review",
        {"decision": "return", "comment": "Leave out that Anna told us."},
    )
    login_as(member)
    client.submit(f"/lessons/{lesson.id}/submit")
    login_as(secretariat)
    client.submit(f"/lessons/{lesson.id}/review", {"decision": "publish"})
    db.session.refresh(lesson)
    assert lesson.status == "published"

    other = make_user("member")
    for reader in (guest, other):
        login_as(reader)
        page = client.get(f"/lessons/{lesson.id}")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "Anna" not in text and "/history" not in text
        assert client.get(f"/lessons/{lesson.id}/history").status_code in (403, 404)
        assert client.get(f"/lessons/{lesson.id}/diff?from=1&to=2").status_code in (403, 404)

    for insider in (member, secretariat):
        login_as(insider)
        assert "Leave out that Anna" in client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
        assert client.get(f"/lessons/{lesson.id}/history").status_code == 200
        diff = client.get(f"/lessons/{lesson.id}/diff?from=1&to=2").get_data(as_text=True)
        assert "-Anna, a survivor, told us." in diff


def test_a_waiting_change_is_on_the_reviewers_widget(
    client, login_as, member, secretariat, make_lesson
):
    lesson = make_lesson(member, "Widely read")
    client.login(member.email)
    client.submit(f"/lessons/{lesson.id}/edit", form_of(lesson, sharing="public"))
    login_as(secretariat)
    widget = client.get("/lessons/widgets/review").get_data(as_text=True)
    assert f"/lessons/{lesson.id}/review" in widget
    assert "a change, by Maria Member" in widget


def test_editing_again_starts_from_the_change_that_waits(client, member, make_lesson):
    lesson = make_lesson(member, "First wording", tags=["harbour"])
    client.login(member.email)
    form = client.get(f"/lessons/{lesson.id}/edit").get_data(as_text=True)
    assert 'value="First wording"' in form and 'value="harbour"' in form
    client.submit(f"/lessons/{lesson.id}/edit", form_of(lesson, title="Second wording"))
    form = client.get(f"/lessons/{lesson.id}/edit").get_data(as_text=True)
    assert 'value="Second wording"' in form
    assert "First wording" in client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
