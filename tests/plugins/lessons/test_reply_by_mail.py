"""A reply to a lesson comment's notification mail becomes a comment by its sender, with the
browser's checks: a guest whose access ended is refused with one bounce."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from intranet.extensions import db
from intranet.platform import inbound
from intranet.plugin_api import hookimpl
from intranet_lessons.models import LessonComment
from tests.reply_helpers import bounces, mails_to, reply_mail


@pytest.fixture(autouse=True)
def domain(app):
    app.config["REPLY_DOMAIN"] = "reply.example.org"


@pytest.fixture
def access(app):
    """Guests' access to lessons, as the partners plugin grants it: (guest id, lesson id)."""
    granted: set[tuple[int, int]] = set()

    class Grants:
        @staticmethod
        @hookimpl
        def intranet_permission(user, action, resource):
            return True if resource and (user.id, resource.id) in granted else None

        @staticmethod
        @hookimpl
        def intranet_permission_many(user, action, kind, ids):
            return {id_: True for id_ in ids if (user.id, id_) in granted}

        @staticmethod
        @hookimpl
        def intranet_permitted(user, action):
            return {"lessons.lesson": {id_ for guest_id, id_ in granted if guest_id == user.id}}

    app.extensions["intranet_plugins"].pm.register(Grants, name="test-grants")
    return granted


def comments(lesson) -> list[tuple[int, str, str]]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(LessonComment).where(LessonComment.lesson_id == lesson.id).order_by(LessonComment.id)
    )
    return [(c.author_id, c.kind, c.body) for c in rows]


def deliver(message) -> str:
    return inbound.receive(message.as_bytes(), str(message["To"]))


def test_a_reply_to_a_comment_mail_becomes_a_comment(
    client, login_as, member, make_user, make_lesson, outbox
):
    colleague = make_user("member", email="colleague@example.org", name="Colin Colleague")
    lesson = make_lesson(member, "Car wash visits")
    login_as(colleague)
    client.submit(f"/lessons/{lesson.id}/comments", {"body": "How long did it take?"})
    (mail,) = mails_to(outbox(), member.email)
    thread = f"<lessons-lesson-{lesson.id}@reply.example.org>"
    assert mail["In-Reply-To"] == mail["References"] == thread
    assert mail["Reply-To"].startswith("reply+")

    assert deliver(reply_mail(mail["Reply-To"], member.email, "Six months.")) == "posted"

    assert comments(lesson)[-1] == (member.id, "discussion", "Six months.")
    assert bounces(outbox()) == []
    (told,) = mails_to(outbox(), colleague.email)  # as for a comment in the browser
    assert told["Reply-To"] != mail["Reply-To"]  # personal to each recipient
    page = client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    assert "Six months." in page and "intranet@localhost" not in page


def test_a_guest_whose_access_ended_is_refused_with_one_bounce(
    client, login_as, member, guest, make_lesson, outbox, access
):
    lesson = make_lesson(member, "Car wash visits")
    access.add((guest.id, lesson.id))
    login_as(guest)
    client.submit(f"/lessons/{lesson.id}/comments", {"body": "We saw this in Gdańsk."})
    login_as(member)
    client.submit(f"/lessons/{lesson.id}/comments", {"body": "Which year?"})
    (mail,) = mails_to(outbox(), guest.email)
    access.clear()
    before = comments(lesson)

    assert deliver(reply_mail(mail["Reply-To"], guest.email, "In 2024.")) == "refused"

    assert comments(lesson) == before
    (answer,) = bounces(outbox())
    assert answer["To"] == guest.email and "no longer open to you" in answer.get_content()


def test_a_reply_about_a_draft_needs_the_right_to_review(
    client, login_as, member, secretariat, make_lesson, outbox
):
    lesson = make_lesson(member, "Car wash visits", status="draft")
    login_as(secretariat)
    client.submit(f"/lessons/{lesson.id}/comments", {"body": "Add the year, please."})
    (mail,) = mails_to(outbox(), member.email)
    assert deliver(reply_mail(mail["Reply-To"], member.email, "Done: 2021.")) == "posted"
    assert comments(lesson)[-1] == (member.id, "review", "Done: 2021.")


def test_files_on_a_comment_reply_are_refused(
    client, login_as, member, make_user, make_lesson, outbox
):
    colleague = make_user("member", email="colleague@example.org")
    lesson = make_lesson(member, "Car wash visits")
    login_as(colleague)
    client.submit(f"/lessons/{lesson.id}/comments", {"body": "Any figures?"})
    (mail,) = mails_to(outbox(), member.email)
    pdf = (("figures.pdf", "application/pdf", b"%PDF-1.7\n%%EOF\n"),)
    assert deliver(reply_mail(mail["Reply-To"], member.email, "Here.", pdf)) == "refused"
    assert len(comments(lesson)) == 1
    assert "cannot carry files" in bounces(outbox())[0].get_content()
