"""Fixtures for the governance plugin: the secretariat, a chair period, revisions."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from intranet.extensions import db
from intranet_governance import documents
from intranet_governance.models import ChairPeriod


@pytest.fixture
def secretariat(make_user: Any) -> Any:
    return make_user("secretariat", email="sec@example.org", name="Sofia Secretariat")


@pytest.fixture
def chair(make_user: Any) -> Any:
    """A member who chairs the task force today."""
    person = make_user("member", email="chair@example.org", name="Carl Chair", country_code="SE")
    today = date.today()
    start_year = today.year if today.month >= 7 else today.year - 1
    db.session.add(
        ChairPeriod(
            start=date(start_year, 7, 1),
            end=date(start_year + 1, 6, 30),
            country_code="SE",
            chairpersons=[person],
        )
    )
    db.session.commit()
    return person


@pytest.fixture
def objectives(secretariat: Any) -> Any:
    documents.add_revision("objectives", "Cooperate.\nExchange knowledge.", "First", secretariat)
    revision = documents.add_revision(
        "objectives",
        "Cooperate.\nExchange best practices.\nAvoid duplication.",
        "Second",
        secretariat,
    )
    db.session.commit()
    return revision


@pytest.fixture
def sign_in(client: Any) -> Any:
    """Sign in as `user`, signing out whoever was signed in before."""

    def sign_in(user: Any) -> None:
        client.submit("/logout")
        client.login(user.email)

    return sign_in
