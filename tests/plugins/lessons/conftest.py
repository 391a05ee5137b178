"""Fixtures for the lessons plugin: lessons created directly, and the demo data."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from intranet.extensions import db
from intranet.models import User
from intranet.plugin_api import hookimpl
from intranet_lessons.models import Lesson, LessonRevision


@pytest.fixture
def make_lesson(app: Any) -> Any:
    """Create a lesson in the database; published and task-force-only unless told otherwise."""

    def make(author: User, title: str = "A lesson", **fields: Any) -> Lesson:
        countries = fields.pop("countries", ["SE"])
        forms = fields.pop("forms", ["labour"])
        tags = fields.pop("tags", [])
        values = {
            "summary": f"Summary of {title}",
            "level": "national",
            "area": "protection",
            "start_year": 2020,
            "status": "published",
            "sharing": "taskforce",
            **fields,
        }
        if values["status"] == "published":
            from intranet.models import utcnow

            values.setdefault("published_at", utcnow())
        lesson = Lesson(title=title, author_id=author.id, **values)
        lesson.set_values("country", countries)
        lesson.set_values("form", forms)
        lesson.set_values("tag", tags)
        db.session.add(lesson)
        db.session.flush()
        db.session.add(
            LessonRevision(
                lesson_id=lesson.id, number=1, author_id=author.id, snapshot=lesson.snapshot()
            )
        )
        db.session.commit()
        return lesson

    return make


@pytest.fixture
def demo(app: Any) -> dict[str, User]:
    """The demo accounts and every enabled plugin's demo data, keyed like intranet.demo."""
    from intranet.platform.demo import DEMO_PEOPLE, create_demo_data, demo_email

    create_demo_data()
    return {
        key: db.session.scalar(select(User).where(User.email == demo_email(key)))
        for key, *_ in DEMO_PEOPLE
    }


@pytest.fixture
def secretariat(make_user: Any) -> User:
    return make_user("secretariat", email="sofia@example.org", name="Sofia Secretariat")


@pytest.fixture
def guest(make_user: Any) -> User:
    return make_user("guest", email="guest@partner.example", name="Gabriel Guest")


@pytest.fixture
def login_as(client: Any) -> Any:
    """Sign in as `user`, signing out whoever was signed in before."""

    def login(user: User) -> None:
        client.submit("/logout")
        client.login(user.email)

    return login


@pytest.fixture
def grant(app):
    """A stand-in for the partners plugin: grants (guest id, lesson id) pairs, answering both
    permission hooks and naming the grants (`intranet_permitted`) as the contract asks."""
    granted = set()

    class Grants:
        @staticmethod
        @hookimpl
        def intranet_permission(user, action, resource):
            if resource is not None and (user.id, resource.id) in granted:
                return True
            return None

        @staticmethod
        @hookimpl
        def intranet_permission_many(user, action, kind, ids):
            return {id_: True for id_ in ids if (user.id, id_) in granted}

        @staticmethod
        @hookimpl
        def intranet_permitted(user, action):
            return {"lessons.lesson": {id_ for guest_id, id_ in granted if guest_id == user.id}}

    app.extensions["intranet_plugins"].pm.register(Grants, name="grants")
    return lambda guest, lesson: granted.add((guest.id, lesson.id))
