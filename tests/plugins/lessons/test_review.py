"""Writing a lesson, the review flow, revisions with a readable diff, endorsements, comments."""

from __future__ import annotations

from sqlalchemy import func, select

from intranet.extensions import db
from intranet_lessons.models import Editor, Endorsement, Lesson, LessonComment, LessonRevision

FORM = {
    "title": "Joint visits to car washes",
    "summary": "Police and labour inspectors visited car washes together.",
    "actions": "Visits every month.",
    "countries": ["EE", "LV"],
    "level": "regional",
    "area": "protection",
    "target_group": "adults",
    "forms": ["labour"],
    "start_year": "2021",
    "tags": "car wash, inspection",
    "sharing": "partners",
}


def write_lesson(client, **changes):
    response = client.submit("/lessons/new", {**FORM, **changes})
    assert response.status_code == 303, response.get_data(as_text=True)
    return db.session.scalar(select(Lesson).order_by(Lesson.id.desc()))


def test_a_member_writes_a_draft_and_submits_it(client, member):
    client.login(member.email)
    lesson = write_lesson(client)
    assert lesson.status == "draft"
    assert lesson.countries == ["EE", "LV"]
    assert lesson.tags == ["car wash", "inspection"]
    assert lesson.author_id == member.id

    assert client.submit(f"/lessons/{lesson.id}/submit").status_code == 303
    db.session.refresh(lesson)
    assert lesson.status == "submitted"
    assert client.get(f"/lessons/{lesson.id}/review").status_code == 403


def test_the_secretariat_sends_back_with_a_comment_then_publishes(
    client, login_as, member, secretariat
):
    client.login(member.email)
    lesson = write_lesson(client)
    client.submit(f"/lessons/{lesson.id}/submit")
    login_as(secretariat)

    silent = client.submit(f"/lessons/{lesson.id}/review", {"decision": "return"})
    assert silent.status_code == 422
    assert "Say what should change" in silent.get_data(as_text=True)

    client.submit(
        f"/lessons/{lesson.id}/review", {"decision": "return", "comment": "Add the results."}
    )
    db.session.refresh(lesson)
    assert lesson.status == "draft"
    comment = db.session.scalar(select(LessonComment).where(LessonComment.lesson_id == lesson.id))
    assert (comment.kind, comment.body) == ("review", "Add the results.")

    login_as(member)
    assert "Add the results." in client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    client.submit(f"/lessons/{lesson.id}/submit")
    login_as(secretariat)
    assert client.submit(f"/lessons/{lesson.id}/review", {"decision": "publish"}).status_code == 303
    db.session.refresh(lesson)
    assert lesson.status == "published"
    assert lesson.published_at is not None


def test_a_designated_editor_reviews_like_the_secretariat(
    client, login_as, member, make_user, make_lesson
):
    editor = make_user("member", email="editor@example.org")
    lesson = make_lesson(member, "Waiting", status="submitted")
    client.login(editor.email)
    assert client.get(f"/lessons/{lesson.id}/review").status_code == 404  # not even visible

    db.session.add(Editor(user_id=editor.id))
    db.session.commit()
    assert client.get(f"/lessons/{lesson.id}/review").status_code == 200
    assert "Lessons awaiting review" in client.get("/").get_data(as_text=True)


def test_every_save_keeps_a_revision_and_the_diff_is_readable_and_escaped(client, member):
    client.login(member.email)
    lesson = write_lesson(client)
    client.submit(
        f"/lessons/{lesson.id}/edit",
        {**FORM, "title": "Joint visits to <script>car washes</script>", "countries": ["EE"]},
    )
    numbers = db.session.scalars(
        select(LessonRevision.number).where(LessonRevision.lesson_id == lesson.id)
    ).all()
    assert sorted(numbers) == [1, 2]

    history = client.get(f"/lessons/{lesson.id}/history").get_data(as_text=True)
    assert "title, countries" in history
    diff = client.get(f"/lessons/{lesson.id}/diff?from=1&to=2").get_data(as_text=True)
    assert "-Joint visits to car washes" in diff
    assert "+Joint visits to &lt;script&gt;car washes&lt;/script&gt;" in diff
    assert "-EE, LV" in diff
    assert "<script>car" not in diff
    assert client.get(f"/lessons/{lesson.id}/diff?from=1&to=9").status_code == 404


def test_endorsements_are_one_per_person_with_their_country(client, make_user, make_lesson):
    author = make_user("member")
    reader = make_user("member", name="Ilze Reader", country_code="LV")
    lesson = make_lesson(author, "Worth copying")
    client.login(reader.email)
    client.submit(f"/lessons/{lesson.id}/endorse")
    page = client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    assert "Ilze Reader (Latvia)" in page
    assert "Useful to 1 person" in page

    client.submit(f"/lessons/{lesson.id}/endorse")  # a second click withdraws it
    assert db.session.scalar(select(func.count(Endorsement.id))) == 0


def test_comments_on_a_published_lesson(client, make_user, make_lesson):
    lesson = make_lesson(make_user("member"), "Discuss me")
    reader = make_user("member", name="Rita Reader")
    client.login(reader.email)
    response = client.submit(f"/lessons/{lesson.id}/comments", {"body": "We tried this **too**."})
    assert response.status_code == 303
    page = client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    assert "<strong>too</strong>" in page
    assert "Rita Reader" in page
