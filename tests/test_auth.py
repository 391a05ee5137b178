"""Signing in and out, throttling, forgotten and changed passwords."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from intranet.extensions import db
from intranet.models import AuditEvent, AuthToken, LoginAttempt, User, utcnow
from tests.conftest import PASSWORD, mail_text


def test_member_signs_in_and_reaches_the_dashboard(client, member):
    response = client.login(member.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Maria Member" in page
    assert db.session.scalar(select(User.last_login_at).where(User.id == member.id)) is not None


def test_email_is_matched_case_insensitively(client, member):
    assert client.login("  MEMBER@Example.org ").status_code == 302


def test_wrong_password_gets_a_clear_error_and_keeps_the_email(client, member):
    response = client.login(member.email, "not the password at all")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The email address or password is not correct." in page
    assert 'value="member@example.org"' in page
    assert client.get("/").status_code == 302


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client, member):
    unknown = client.login("nobody@example.org", "whatever password")
    wrong = client.login(member.email, "whatever password")
    assert unknown.status_code == wrong.status_code == 422
    assert "The email address or password is not correct." in unknown.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client, member):
    response = client.post("/login", data={"email": member.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_anonymous_visitor_is_sent_to_login_with_next(client, member):
    response = client.get("/admin/plugins")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/admin/plugins")


def test_next_only_redirects_to_local_paths(client, member):
    for target in ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]:
        response = client.login(member.email, next=target)
        assert response.headers["Location"] == "/", target
        client.submit("/logout")
    response = client.login(member.email, next="/account/password")
    assert response.headers["Location"] == "/account/password"


def test_logout_needs_post_and_ends_the_session(client, member):
    client.login(member.email)
    assert client.get("/logout").status_code == 405
    assert client.submit("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_remember_me_sets_a_persistent_cookie(client, member):
    client.login(member.email, remember="y")
    assert client.get_cookie("remember_token") is not None


def test_remember_cookie_alone_restores_the_session(app, client, member):
    client.login(member.email, remember="y")
    remember = client.get_cookie("remember_token").value
    other = app.test_client()
    other.set_cookie("remember_token", remember)
    assert other.get("/").status_code == 200


def test_login_is_throttled_per_account_across_processes(app, config, client, member):
    from intranet import create_app

    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        client.login(member.email, "wrong password again")
    # A second app instance stands for another worker process: the count lives in the database.
    other_worker = create_app(config)
    other_worker.test_client_class = type(client)
    other_client = other_worker.test_client()
    with other_worker.app_context():
        response = other_client.login(member.email)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)


def test_login_is_throttled_per_address(app, client, make_user):
    app.config["LOGIN_MAX_FAILURES_PER_IP"] = 3
    victims = [make_user() for _ in range(3)]
    for victim in victims:
        client.login(victim.email, "guessing passwords")
    fresh = make_user()
    assert client.login(fresh.email).status_code == 429


def test_throttle_expires_after_the_window(app, client, member):
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        client.login(member.email, "wrong password again")
    old = utcnow() - timedelta(seconds=app.config["LOGIN_THROTTLE_WINDOW"] + 1)
    for attempt in db.session.scalars(select(LoginAttempt)):
        attempt.at = old
    db.session.commit()
    assert client.login(member.email).status_code == 302


def test_successful_login_clears_the_failures(app, client, member):
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] - 1):
        client.login(member.email, "wrong password again")
    assert client.login(member.email).status_code == 302
    assert db.session.scalar(select(LoginAttempt.id)) is None


def test_deactivated_user_cannot_sign_in(client, member):
    member.is_active_account = False
    db.session.commit()
    response = client.login(member.email)
    assert response.status_code == 403
    assert "deactivated" in response.get_data(as_text=True)


def test_open_session_ends_when_the_user_is_deactivated(client, member):
    client.login(member.email)
    assert client.get("/").status_code == 200
    member.is_active_account = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_logins_are_audited(client, member):
    client.login(member.email, "wrong password again")
    client.login(member.email)
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["login.failed", "login"]


# --- forgotten password ----------------------------------------------------------------------


def _reset_link(message) -> str:
    return re.search(r"http://\S+/password/reset/(\S+)", mail_text(message)).group(0)


def test_forgot_password_gives_the_same_answer_for_unknown_accounts(client, member, outbox):
    known = client.submit("/password/forgot", {"email": member.email}, follow_redirects=True)
    unknown = client.submit(
        "/password/forgot", {"email": "nobody@example.org"}, follow_redirects=True
    )

    def strip(page):  # CSRF and submission tokens differ; everything else must be identical
        page = re.sub(r'name="submission_token" value="[\w-]+"', "", page.get_data(as_text=True))
        return re.sub(r'"[\w.-]{60,}"', '""', page)

    assert strip(known) == strip(unknown)
    assert "If an account exists" in known.get_data(as_text=True)
    assert len(outbox()) == 1
    assert outbox()[0]["To"] == member.email


def test_reset_link_sets_a_new_password_once(client, member, outbox):
    client.submit("/password/forgot", {"email": member.email})
    link = _reset_link(outbox()[0])
    path = link.removeprefix("http://127.0.0.1:5000")
    new = "a brand new passphrase 42"
    response = client.submit(path, {"password": new, "confirm": new})
    assert response.status_code == 302
    assert client.login(member.email, new).status_code == 302
    client.submit("/logout")
    again = client.submit(
        path, {"password": "another one entirely", "confirm": "another one entirely"}
    )
    assert again.status_code == 400
    assert "cannot be used" in again.get_data(as_text=True)


def test_reset_token_is_stored_only_as_a_hash(client, member, outbox):
    client.submit("/password/forgot", {"email": member.email})
    token = _reset_link(outbox()[0]).rsplit("/", 1)[1]
    stored = db.session.scalar(select(AuthToken.token_hash))
    assert token not in stored and len(stored) == 64


def test_expired_reset_link_is_refused(client, member, outbox):
    client.submit("/password/forgot", {"email": member.email})
    path = "/password/reset/" + _reset_link(outbox()[0]).rsplit("/", 1)[1]
    token = db.session.scalar(select(AuthToken))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(path).status_code == 400


def test_reset_link_expires_after_one_hour(client, member, outbox):
    client.submit("/password/forgot", {"email": member.email})
    token = db.session.scalar(select(AuthToken))
    assert timedelta(minutes=59) < token.expires_at - token.created_at <= timedelta(hours=1)


def test_tampered_or_truncated_reset_token_is_refused(client, member, outbox):
    client.submit("/password/forgot", {"email": member.email})
    token = _reset_link(outbox()[0]).rsplit("/", 1)[1]
    for bad in [token[:-1], token + "x", "x" * 500]:
        assert client.get(f"/password/reset/{bad}").status_code == 400


def test_reset_refuses_a_weak_password_and_keeps_the_link_usable(client, member, outbox):
    client.submit("/password/forgot", {"email": member.email})
    path = "/password/reset/" + _reset_link(outbox()[0]).rsplit("/", 1)[1]
    response = client.submit(path, {"password": "Password2024!", "confirm": "Password2024!"})
    assert response.status_code == 422
    assert "too common" in response.get_data(as_text=True)
    assert client.get(path).status_code == 200


def test_reset_ends_existing_sessions(app, client, member, outbox):
    other = app.test_client()
    other.login(member.email)
    client.submit("/password/forgot", {"email": member.email})
    path = "/password/reset/" + _reset_link(outbox()[0]).rsplit("/", 1)[1]
    client.submit(path, {"password": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert other.get("/").status_code == 302


# --- changing the password -------------------------------------------------------------------


def test_change_password_needs_the_current_one(client, member):
    client.login(member.email)
    new = "tallinn harbour in winter light"
    response = client.submit(
        "/account/password", {"current_password": "wrong one", "password": new, "confirm": new}
    )
    assert response.status_code == 422
    assert "not your current password" in response.get_data(as_text=True)


def test_change_password_ends_other_sessions_but_keeps_this_one(app, client, member):
    other = app.test_client()
    other.login(member.email)
    assert other.get("/").status_code == 200
    client.login(member.email)
    new = "tallinn harbour in winter light"
    response = client.submit(
        "/account/password", {"current_password": PASSWORD, "password": new, "confirm": new}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302
    client.submit("/logout")
    assert client.login(member.email, new).status_code == 302


def test_password_policy(app):
    from intranet.accounts.security import password_problem

    assert "at least 12" in password_problem("short")
    assert "at most 128" in password_problem("x" * 129)
    assert "too common" in password_problem("Password2024!")
    assert "too common" in password_problem("123456789012")
    assert "too common" in password_problem("qwertyuiop123")
    assert "repeats" in password_problem("abababababab")
    assert "name or email" in password_problem("mariamember1", email="maria@x.org", name="Maria")
    assert password_problem("correct horse battery staple") is None


def test_passwords_are_hashed_with_argon2id(make_user):
    user = make_user()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_raised_hash_parameters_rehash_the_password_at_the_next_sign_in(app, client, member):
    """An operator raising ARGON2_TIME_COST upgrades each stored hash when its owner signs in;
    the new hash must still open the account."""
    old_hash = member.password_hash
    app.config["ARGON2_TIME_COST"] += 1
    assert client.login(member.email).status_code == 302
    client.submit("/logout")
    db.session.expire_all()
    new_hash = db.session.get(User, member.id).password_hash
    assert new_hash != old_hash
    assert f"t={app.config['ARGON2_TIME_COST']}" in new_hash
    assert client.login(member.email).status_code == 302
    assert client.get("/").status_code == 200
