"""The list-shaped permission agrees with the object-by-object one: for every user of the demo
world and every object a guest can be granted, can_many() answers what can() answers per id."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from intranet.extensions import db
from intranet.models import User
from intranet.platform import plugins
from intranet.plugin_api import ResourceRef, can, can_many
from intranet_lessons.models import Lesson
from intranet_meetings.models import Meeting
from intranet_subgroups.models import SubGroup
from tests.security.conftest import ExampleNote


@pytest.fixture(autouse=True)
def list_shaped_answers(demo_app):
    """Until the plugins answer the list-shaped hook, can_many() has only role defaults to go
    by (grants included), and the comparison below would only say so."""
    if not plugins.registry().pm.hook.intranet_permission_many.get_hookimpls():
        pytest.skip("no plugin implements intranet_permission_many yet")


KINDS = {
    ("subgroups.view", "subgroups.group"): SubGroup,
    ("meetings.view", "meetings.meeting"): Meeting,
    ("lessons.view", "lessons.lesson"): Lesson,
    ("example.view", "example.note"): ExampleNote,
}


def test_can_many_answers_what_can_answers_for_each_id(demo_app, world):
    disagreements = []
    for role, email in world["logins"].items():
        user = db.session.scalar(select(User).where(User.email == email))
        for (action, kind), model in KINDS.items():
            ids = db.session.scalars(select(model.id).order_by(model.id)).all()
            with demo_app.test_request_context("/"):
                one_by_one = {i for i in ids if can(user, action, ResourceRef(kind, i))}
                listed = can_many(user, action, kind, ids)
            if listed != one_by_one:
                disagreements.append(
                    f"{role} {action}: can() only {sorted(one_by_one - listed)}, "
                    f"can_many() only {sorted(listed - one_by_one)}"
                )
    assert disagreements == []


def test_a_guest_is_listed_only_what_was_granted_to_them(demo_app, world):
    guest = db.session.scalar(select(User).where(User.email == world["logins"]["guest"]))
    other = db.session.scalar(select(User).where(User.email == world["logins"]["guest_other"]))
    note_id = world["values"]["note_id"]
    ids = db.session.scalars(select(ExampleNote.id)).all()
    with demo_app.test_request_context("/"):
        assert note_id in can_many(guest, "example.view", "example.note", ids)
        assert note_id not in can_many(other, "example.view", "example.note", ids)
        assert can_many(None, "example.view", "example.note", ids) == set()
