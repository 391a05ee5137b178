"""Sessions: idle and absolute time-outs, signing out everywhere else."""

from __future__ import annotations

from datetime import timedelta

from intranet.models import utcnow
from tests.conftest import PASSWORD


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
    assert "Your session has expired. Please sign in again." in client.get("/login").text
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


def _copy_of(app, client):
    """Another browser holding a copy of `client`'s session cookie (e.g. a stolen one)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_a_session_cookie_copied_before_sign_out_opens_nothing_after(app, client, member):
    client.login(member.email)
    thief = _copy_of(app, client)
    assert thief.get("/profile").status_code == 200
    client.submit("/logout")
    assert thief.get("/profile").status_code == 302


def test_a_remember_me_cookie_copied_before_sign_out_opens_nothing_after(app, client, member):
    client.login(member.email, remember="y")
    thief = app.test_client()
    thief.set_cookie("remember_token", client.get_cookie("remember_token").value)
    assert thief.get("/profile").status_code == 200
    client.submit("/logout")
    fresh = app.test_client()
    fresh.set_cookie("remember_token", thief.get_cookie("remember_token").value)
    assert fresh.get("/profile").status_code == 302


def test_signing_out_on_one_device_keeps_the_others_signed_in(app, client, member):
    phone = app.test_client()
    phone.login(member.email)
    client.login(member.email)
    client.submit("/logout")
    assert client.get("/profile").status_code == 302
    assert phone.get("/profile").status_code == 200


def test_revoked_sessions_are_forgotten_once_no_cookie_of_theirs_can_be_valid(app, client, member):
    from intranet.accounts.sessions import forget_expired_revocations
    from intranet.extensions import db
    from intranet.models import RevokedSession

    client.login(member.email)
    client.submit("/logout")
    revoked = db.session.scalars(db.select(RevokedSession)).all()
    assert [row.user_id for row in revoked] == [member.id]
    forget_expired_revocations()
    assert db.session.scalars(db.select(RevokedSession)).all() == revoked
    revoked[0].expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    forget_expired_revocations()
    assert db.session.scalars(db.select(RevokedSession)).all() == []


def test_a_password_change_elsewhere_ends_this_session(app, client, member):
    client.login(member.email)
    thief = _copy_of(app, client)
    other = app.test_client()
    other.login(member.email)
    new_password = "a brand new passphrase for Maria"
    response = other.submit(
        "/account/password",
        {"current_password": PASSWORD, "password": new_password, "confirm": new_password},
    )
    assert response.status_code == 302
    assert other.get("/profile").status_code == 200
    assert client.get("/profile").status_code == 302
    assert thief.get("/profile").status_code == 302


def test_deactivation_ends_every_session(app, client, member, admin):
    client.login(member.email, remember="y")
    thief = _copy_of(app, client)
    staff = app.test_client()
    staff.login(admin.email)
    staff.submit(f"/admin/users/{member.id}/deactivate", {"reason": "left the ministry"})
    assert client.get("/profile").status_code == 302
    assert thief.get("/profile").status_code == 302


def test_sign_out_everywhere_ends_this_and_every_other_session(app, client, member):
    other = app.test_client()
    other.login(member.email, remember="y")
    client.login(member.email)
    thief = _copy_of(app, client)
    assert "sign-out-everywhere" in client.get("/account/security").get_data(as_text=True)
    response = client.submit("/account/security/sign-out-everywhere")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    for browser in (client, other, thief):
        assert browser.get("/profile").status_code == 302
