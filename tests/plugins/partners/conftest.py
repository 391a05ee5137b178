"""Fixtures for the partners plugin: a sponsor, notes to share, and the invitation journey."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from intranet.extensions import db
from intranet.models import AuditEvent, utcnow
from intranet_example import ExampleNote
from intranet_partners.models import Grant, Guest, Invitation
from tests.conftest import PASSWORD, mail_text

GUEST_PASSWORD = "lighthouse ferry amber quay"
ACCESS_ENDS_ON = (utcnow().date() + timedelta(days=365)).isoformat()
RENEWED_UNTIL = (utcnow().date() + timedelta(days=500)).isoformat()


@pytest.fixture
def secretariat(make_user: Any) -> Any:
    return make_user("secretariat", email="sofia@example.org", name="Sofia Secretariat")


@pytest.fixture
def notes(admin: Any) -> list[ExampleNote]:
    """Two notes: the first is shared with the guest in these tests, the second is not."""
    shared = ExampleNote(text="Shared with partners", author_id=admin.id)
    private = ExampleNote(text="Members only", author_id=admin.id)
    db.session.add_all([shared, private])
    db.session.commit()
    return [shared, private]


@pytest.fixture
def new_client(app: Any, client: Any) -> Any:
    """Another browser, for a second person acting at the same time."""
    return lambda: app.test_client()


def invite_data(note_ids: list[int], **overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Nora Partner",
        "email": "nora@ngo.example",
        "organisation": "Baltic NGO Network",
        "organisation_kind": "ngo",
        "resources": [f"example.note:{note_id}" for note_id in note_ids],
        "access_ends_on": ACCESS_ENDS_ON,
        "message": "Join our work on labour exploitation.",
    }
    data.update(overrides)
    return data


def invitation_link(message: Any) -> str:
    match = re.search(r"https?://[^/\s]+(/invite/[A-Za-z0-9_-]+)", mail_text(message))
    assert match, mail_text(message)
    return match.group(1)


def audit_actions(prefix: str = "partners.") -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.action.like(f"{prefix}%"))
            .order_by(AuditEvent.id)
        )
    )


def stored_counts() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Invitation, Guest, Grant)
    )


@pytest.fixture
def invite(client: Any, secretariat: Any, outbox: Any) -> Any:
    """Invite someone as the secretariat; returns the path of the link mailed to them."""

    def send(note_ids: list[int], **overrides: Any) -> str:
        client.login(secretariat.email, PASSWORD)
        response = client.submit("/partners/invite", invite_data(note_ids, **overrides))
        assert response.status_code == 303, response.get_data(as_text=True)
        client.submit("/logout")
        return invitation_link(outbox()[-1])

    return send


@pytest.fixture
def guest_client(invite: Any, new_client: Any, notes: list[ExampleNote]) -> Any:
    """A browser signed in as a guest who accepted an invitation to the first note."""
    link = invite([notes[0].id])
    browser = new_client()
    response = browser.submit(link, {"password": GUEST_PASSWORD, "confirm": GUEST_PASSWORD})
    assert response.status_code == 303
    return browser
