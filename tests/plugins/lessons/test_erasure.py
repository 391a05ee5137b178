"""Erasure in the lessons plugin: lessons, revisions and comments stay as the task force's
knowledge, by "a former member"; endorsements go; an initiative's contact forgets the person."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from intranet.extensions import db
from intranet.platform import plugins
from intranet.platform.attachments import Attachment, save_upload
from intranet.privacy.erasure import erase_account
from intranet_lessons import documents
from intranet_lessons.models import Endorsement, Initiative, Lesson, LessonComment
from tests.erasure_helpers import EMAIL, NAME, assert_forgotten, make_person


@pytest.fixture
def person(make_user):
    return make_person(make_user)


@pytest.fixture
def staff(app, client, secretariat):
    client.login(secretariat.email)
    return client


@pytest.fixture
def lesson(make_lesson, person):
    lesson = make_lesson(person, title="Joint labour inspections", summary="Inspect together.")
    db.session.add_all(
        [
            LessonComment(lesson_id=lesson.id, author_id=person.id, kind="comment", body="Works."),
            Endorsement(lesson_id=lesson.id, user_id=person.id, country_code="PL"),
        ]
    )
    db.session.commit()
    return lesson


@pytest.fixture
def initiative(person):
    initiative = Initiative(
        name="Baltic inspectors' network",
        level="regional",
        area="prosecution",
        contact=f"{NAME} <{EMAIL}>",
        author_id=person.id,
    )
    db.session.add(initiative)
    db.session.commit()
    return initiative


def test_lesson_and_initiative_pages_forget_the_person(staff, person, lesson, initiative):
    urls = [
        f"/lessons/{lesson.id}",
        f"/lessons/{lesson.id}/history",
        f"/lessons/initiatives/{initiative.id}",
    ]
    assert_forgotten(staff, person, urls)
    page = staff.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    assert "Joint labour inspections" in page and "Works." in page
    assert "a former member" in page.lower()
    assert db.session.scalar(select(func.count()).select_from(Endorsement)) == 0
    assert db.session.get(Initiative, initiative.id).contact == "Former member <Former member>"


def test_a_disabled_plugin_still_erases_its_data(staff, person, lesson, initiative):
    plugins.set_enabled("lessons", False)
    erase_account(person, actor=None, via="admin")
    plugins.set_enabled("lessons", True)
    assert db.session.scalar(select(LessonComment.author_id)) is None
    assert db.session.scalar(select(func.count()).select_from(Endorsement)) == 0
    assert NAME not in staff.get(f"/lessons/initiatives/{initiative.id}").get_data(as_text=True)


def test_drafts_nobody_else_sees_go_with_their_documents(app, person, lesson, make_lesson):
    draft = make_lesson(person, title="Half-written notes", status="draft")
    upload = FileStorage(stream=io.BytesIO(b"my private notes"), filename="notes.txt")
    attachment = save_upload(upload, documents.OWNER, documents.KIND, draft.id, person)
    db.session.commit()
    stored = Path(current_app.instance_path) / attachment.storage_key
    assert stored.exists()

    erase_account(person, actor=None, via="admin")

    assert not stored.exists()
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert db.session.scalars(select(Lesson.title)).all() == ["Joint labour inspections"]
