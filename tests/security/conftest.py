"""The demo task force, for tests that walk the whole app with real objects."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from intranet.demo import DEMO_PASSWORD, create_demo_data, demo_email
from intranet.extensions import db
from intranet.models import User


@pytest.fixture
def demo(app: Flask) -> dict[str, User]:
    """The demo data of the core and every plugin; returns the demo users by key."""
    with app.test_request_context():
        create_demo_data()
    keys = ("admin", "secretariat", "member_se", "member_fi")
    return {
        key: db.session.scalar(select(User).where(User.email == demo_email(key))) for key in keys
    }


@pytest.fixture
def sign_in(client: Any) -> Any:
    def sign_in_as(user: User) -> Any:
        response = client.login(user.email, DEMO_PASSWORD)
        assert response.status_code in (302, 303), response.status_code
        return client

    return sign_in_as
