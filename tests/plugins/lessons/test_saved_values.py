"""What a lesson form sends is what the lesson keeps: forms of exploitation, related
initiatives (added and removed) and the time of submission. mutmut found these unchecked:
a form that lost its initiatives or its forms of exploitation passed every test."""

from __future__ import annotations

from sqlalchemy import select

from intranet.extensions import db
from intranet_lessons.models import Initiative, Lesson

from .test_lifecycle import form_of
from .test_review import FORM, write_lesson


def initiative(name: str) -> Initiative:
    made = Initiative(name=name, level="national", area="protection")
    db.session.add(made)
    db.session.commit()
    return made


def test_forms_and_initiatives_are_kept_and_changed(client, member):
    shelters, hotline = initiative("Shelter network"), initiative("Hotline for workers")
    client.login(member.email)
    lesson = write_lesson(
        client, forms=["labour", "criminality"], initiatives=[str(shelters.id), str(hotline.id)]
    )
    assert lesson.forms == ["criminality", "labour"]
    assert {item.name for item in lesson.initiatives} == {"Shelter network", "Hotline for workers"}

    response = client.submit(
        f"/lessons/{lesson.id}/edit",
        form_of(lesson, forms=["sexual"], initiatives=[str(hotline.id)]),
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.expire_all()
    lesson = db.session.get(Lesson, lesson.id)
    assert lesson.forms == ["sexual"]
    assert [item.name for item in lesson.initiatives] == ["Hotline for workers"]

    client.submit(f"/lessons/{lesson.id}/edit", form_of(lesson, forms=["sexual"]))
    db.session.expire_all()
    assert db.session.get(Lesson, lesson.id).initiatives == []


def test_submitting_records_when(client, member):
    client.login(member.email)
    lesson = write_lesson(client)
    assert lesson.submitted_at is None
    client.submit(f"/lessons/{lesson.id}/submit")
    db.session.expire_all()
    submitted = db.session.scalar(select(Lesson).where(Lesson.id == lesson.id))
    assert submitted.status == "submitted"
    assert submitted.submitted_at is not None
    assert FORM["title"] == submitted.title
