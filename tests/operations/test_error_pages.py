"""A database that goes away mid-request gets a clear 503 page, never an empty 500, even when
rolling back the failed transaction fails too (the server closed the connection)."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from intranet.extensions import db
from intranet.platform import views


def connection_lost(*_args, **_kwargs):
    raise OperationalError("SELECT 1", {}, ConnectionError("server closed the connection"))


@pytest.fixture
def database_restarting(monkeypatch, signed_in, member):
    signed_in(member)
    monkeypatch.setattr(views.plugins, "collect", connection_lost)


def test_a_lost_connection_answers_503_with_a_page(client, database_restarting):
    response = client.get("/")
    assert response.status_code == 503
    assert "briefly unavailable" in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "30"


@pytest.mark.parametrize(
    "failure",
    [
        OperationalError("ROLLBACK", {}, ConnectionError("server closed the connection")),
        RuntimeError("the connection pool is closed"),
    ],
)
def test_a_failing_rollback_still_answers_503_with_a_page(
    client, database_restarting, monkeypatch, failure
):
    def rollback_fails():
        raise failure

    monkeypatch.setattr(db.session, "rollback", rollback_fails, raising=False)
    response = client.get("/")
    assert response.status_code == 503
    assert "briefly unavailable" in response.get_data(as_text=True)
    fragment = client.get("/", headers={"HX-Request": "true"})
    assert fragment.status_code == 503 and "briefly unavailable" in fragment.get_data(as_text=True)


def test_a_failing_rollback_after_an_unexpected_error_still_answers_500_with_a_page(
    client, signed_in, member, monkeypatch
):
    signed_in(member)

    def broken(*_args, **_kwargs):
        raise ValueError("a bug")

    def rollback_fails():
        raise OperationalError("ROLLBACK", {}, ConnectionError("server closed the connection"))

    monkeypatch.setattr(views.plugins, "collect", broken)
    monkeypatch.setattr(db.session, "rollback", rollback_fails, raising=False)
    response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)


def test_an_error_page_whose_navigation_needs_the_lost_database_answers_503(
    client, database_restarting
):
    response = client.get("/no-such-page")
    assert response.status_code == 503
    assert "briefly unavailable" in response.get_data(as_text=True)
