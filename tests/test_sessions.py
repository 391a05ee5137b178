"""Sessions: idle and absolute time-outs, signing out everywhere else."""

from __future__ import annotations

from datetime import timedelta

from intranet.models import utcnow


def _age_session(client, **ages: timedelta) -> None:
    with client.session_transaction() as session:
        for key, age in ages.items():
            session[key] = (utcnow() - age).isoformat()


def test_idle_session_expires(app, client, member):
    client.login(member.email)
    _age_session(client, seen_at=timedelta(seconds=app.config["SESSION_IDLE_TIMEOUT"] + 5))
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert client.get("/").status_code == 302


def test_activity_keeps_the_session_alive(app, client, member):
    client.login(member.email)
    _age_session(client, seen_at=timedelta(seconds=app.config["SESSION_IDLE_TIMEOUT"] - 5))
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        assert session["seen_at"] > (utcnow() - timedelta(seconds=5)).isoformat()


def test_session_ends_after_the_absolute_limit_even_when_active(app, client, member):
    client.login(member.email)
    _age_session(
        client,
        login_at=timedelta(seconds=app.config["SESSION_ABSOLUTE_TIMEOUT"] + 5),
        seen_at=timedelta(seconds=1),
    )
    assert client.get("/").status_code == 302


def test_remember_me_survives_idleness(app, client, member):
    client.login(member.email, remember="y")
    _age_session(client, seen_at=timedelta(seconds=app.config["SESSION_IDLE_TIMEOUT"] + 5))
    assert client.get("/").status_code == 200


def test_htmx_request_on_an_expired_session_gets_401(app, client, member):
    client.login(member.email)
    _age_session(client, seen_at=timedelta(seconds=app.config["SESSION_IDLE_TIMEOUT"] + 5))
    assert client.get("/dashboard/welcome", headers={"HX-Request": "true"}).status_code == 401


def test_sign_out_other_sessions(app, client, member):
    other = app.test_client()
    other.login(member.email, remember="y")
    client.login(member.email)
    response = client.submit("/account/security/sign-out-others")
    assert response.status_code == 303
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302
