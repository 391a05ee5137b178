"""A lesson sent twice (a retry after a dropped answer) is written once."""

from __future__ import annotations

from sqlalchemy import func, select

from intranet.extensions import db
from intranet_lessons.models import Lesson
from tests.plugins.lessons.test_review import FORM
from tests.retry_helpers import submit_twice


def test_a_lesson_sent_twice_is_saved_once_and_both_answers_show_it(client, member):
    client.login(member.email)
    first, second = submit_twice(client, "/lessons/new", FORM)
    assert db.session.scalar(select(func.count()).select_from(Lesson)) == 1
    lesson = db.session.scalar(select(Lesson))
    assert first.status_code == second.status_code == 303
    assert second.location == first.location == f"/lessons/{lesson.id}"
    assert FORM["title"] in client.get(second.location).get_data(as_text=True)
