"""Who is told about submissions, reviews, comments and endorsements, and who is not."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from intranet.extensions import db
from intranet.platform.notifications import Notification
from intranet_lessons.models import Editor
from tests.conftest import mail_text


def told(kind):
    """{user id: notification} for the lessons notifications of `kind`."""
    return {
        n.user_id: n
        for n in db.session.scalars(select(Notification).where(Notification.kind == kind))
    }


def recipients(outbox):
    return sorted(message["To"] for message in outbox())


@pytest.fixture
def editor(make_user):
    user = make_user("member", email="editor@example.org", name="Edda Editor")
    db.session.add(Editor(user_id=user.id))
    db.session.commit()
    return user


def test_submitting_tells_the_secretariat_and_editors_not_the_author(
    client, member, secretariat, editor, make_user, make_lesson, outbox
):
    bystander = make_user("member", email="other@example.org")
    lesson = make_lesson(member, "Car wash visits", status="draft")
    client.login(member.email)
    client.submit(f"/lessons/{lesson.id}/submit")

    notes = told("lessons.submitted")
    assert set(notes) == {secretariat.id, editor.id}
    assert notes[editor.id].url == f"/lessons/{lesson.id}"
    assert "Car wash visits" in notes[editor.id].title
    assert recipients(outbox) == ["editor@example.org", "sofia@example.org"]
    assert bystander.id not in notes and member.id not in notes


def test_sending_back_tells_the_author_with_the_comment(
    client, login_as, member, secretariat, make_lesson, outbox
):
    lesson = make_lesson(member, "Car wash visits", status="submitted")
    login_as(secretariat)
    client.submit(
        f"/lessons/{lesson.id}/review", {"decision": "return", "comment": "Add the results."}
    )
    notes = told("lessons.returned")
    assert set(notes) == {member.id}
    assert notes[member.id].text == "Add the results."
    [mail] = [m for m in outbox() if m["To"] == member.email]
    assert "Add the results." in mail_text(mail)
    assert secretariat.email not in recipients(outbox)


def test_publishing_tells_the_author(client, login_as, member, secretariat, make_lesson, outbox):
    lesson = make_lesson(member, "Car wash visits", status="submitted")
    login_as(secretariat)
    client.submit(f"/lessons/{lesson.id}/review", {"decision": "publish"})
    assert set(told("lessons.published")) == {member.id}
    assert recipients(outbox) == [member.email]


def test_a_reviewer_publishing_their_own_lesson_is_not_told(client, secretariat, make_lesson):
    lesson = make_lesson(secretariat, "Own work", status="submitted")
    client.login(secretariat.email)
    client.submit(f"/lessons/{lesson.id}/review", {"decision": "publish"})
    assert told("lessons.published") == {}


def test_a_review_comment_tells_the_author_and_reviewers_except_the_commenter(
    client, login_as, member, secretariat, editor, make_lesson, outbox
):
    lesson = make_lesson(member, "Car wash visits", status="submitted")
    login_as(editor)
    client.submit(f"/lessons/{lesson.id}/comments", {"body": "Which cities?"})
    notes = told("lessons.commented")
    assert set(notes) == {member.id, secretariat.id}
    assert notes[member.id].text == "Which cities?"
    assert recipients(outbox) == [member.email, secretariat.email]

    login_as(member)
    client.submit(f"/lessons/{lesson.id}/comments", {"body": "Tallinn and Riga."})
    answers = [
        n.user_id
        for n in db.session.scalars(
            select(Notification).where(Notification.text == "Tallinn and Riga.")
        )
    ]
    assert sorted(answers) == sorted([secretariat.id, editor.id])


def test_a_discussion_comment_tells_the_author_and_earlier_commenters(
    client, login_as, member, make_user, make_lesson, outbox
):
    first = make_user("member", email="first@example.org")
    second = make_user("member", email="second@example.org", notification_preference="none")
    silent = make_user("member", email="silent@example.org")
    lesson = make_lesson(member, "Car wash visits")

    login_as(first)
    client.submit(f"/lessons/{lesson.id}/comments", {"body": "We tried this too."})
    assert set(told("lessons.commented")) == {member.id}

    login_as(second)
    client.submit(f"/lessons/{lesson.id}/comments", {"body": "How long did it take?"})
    login_as(first)
    client.submit(f"/lessons/{lesson.id}/comments", {"body": "Six months."})

    last = [
        n.user_id
        for n in db.session.scalars(select(Notification).where(Notification.text == "Six months."))
    ]
    assert sorted(last) == sorted([member.id, second.id])
    assert silent.id not in told("lessons.commented")
    # "none" keeps the notification in-app only; "immediate" users get mail
    assert "second@example.org" not in recipients(outbox)
    assert "first@example.org" in recipients(outbox)


def test_an_endorsement_tells_the_author_once(
    client, login_as, member, make_user, make_lesson, outbox
):
    reader = make_user("member", email="reader@example.org", name="Rita Reader")
    lesson = make_lesson(member, "Car wash visits")
    login_as(reader)
    client.submit(f"/lessons/{lesson.id}/endorse")
    client.submit(f"/lessons/{lesson.id}/endorse")  # withdrawn: nobody is told
    notes = told("lessons.endorsed")
    assert set(notes) == {member.id}
    assert "Rita Reader" in notes[member.id].title
    assert recipients(outbox) == [member.email]

    login_as(member)
    db.session.query(Notification).delete()
    db.session.commit()
    client.submit(f"/lessons/{lesson.id}/endorse")
    assert told("lessons.endorsed") == {}
