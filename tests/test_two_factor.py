"""Two-factor authentication: enrolment, the second login step, recovery codes, enforcement."""

from __future__ import annotations

import re
import time

import pyotp
from sqlalchemy import select

from intranet import create_app
from intranet.accounts.twofactor import _legacy_code_hash
from intranet.extensions import db
from intranet.models import AuditEvent, RecoveryCode
from tests.conftest import PASSWORD, Client


def enrol(client, user) -> tuple[str, list[str]]:
    """Enrol `user` through the pages; returns the secret and the recovery codes shown."""
    client.login(user.email)
    page = client.get("/account/security").get_data(as_text=True)
    secret = re.search(r'<code class="secret-key">([A-Z2-7]+)</code>', page).group(1)
    response = client.submit(
        "/account/security/two-factor/confirm", {"code": pyotp.TOTP(secret).now()}
    )
    assert response.status_code == 200
    codes = re.findall(
        r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", response.get_data(as_text=True)
    )
    client.submit("/logout")
    return secret, codes


def next_code(secret: str) -> str:
    """A code for the next time step (accepted for clock drift), distinct from now()."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def test_enrolment_shows_a_local_qr_code_and_the_key(client, member):
    client.login(member.email)
    page = client.get("/account/security").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    assert re.search(r'<code class="secret-key">[A-Z2-7]{32}</code>', page)


def test_showing_the_enrolment_page_again_draws_the_same_qr_code_without_scoring_masks(
    client, member, monkeypatch
):
    """Scoring the eight masks is most of the page's work; the first view's choice is kept."""
    import segno.encoder

    client.login(member.email)
    qr = re.compile(r'src="(data:image/svg\+xml[^"]+)"')
    first = qr.search(client.get("/account/security").get_data(as_text=True)).group(1)
    scored = []
    monkeypatch.setattr(segno.encoder, "mask_scores", lambda *args: scored.append(1) or [0])
    again = qr.search(client.get("/account/security").get_data(as_text=True)).group(1)
    assert again == first
    assert scored == []


def test_enrolment_needs_a_correct_code(client, member):
    client.login(member.email)
    client.get("/account/security")
    response = client.submit("/account/security/two-factor/confirm", {"code": "000000"})
    assert response.status_code == 422
    assert "does not match" in response.get_data(as_text=True)
    db.session.refresh(member)
    assert not member.has_two_factor


def test_enrolment_gives_ten_hashed_recovery_codes(client, member):
    _, codes = enrol(client, member)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10
    assert not any(code.replace("-", "") in hashed for code in codes for hashed in stored)


def test_login_asks_for_the_code_after_the_password(client, member):
    secret, _ = enrol(client, member)
    response = client.login(member.email)
    assert response.headers["Location"] == "/login/verify"
    assert client.get("/").status_code == 302  # not signed in yet
    response = client.submit("/login/verify", {"code": next_code(secret)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_a_used_code_cannot_be_used_again(client, member):
    secret, _ = enrol(client, member)
    code = next_code(secret)
    client.login(member.email)
    assert client.submit("/login/verify", {"code": code}).status_code == 302
    client.submit("/logout")
    client.login(member.email)
    response = client.submit("/login/verify", {"code": code})
    assert response.status_code == 422
    assert "already used" in response.get_data(as_text=True)


def test_wrong_codes_are_throttled(app, client, member):
    secret, _ = enrol(client, member)
    client.login(member.email)
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        client.submit("/login/verify", {"code": "123456"})
    response = client.submit("/login/verify", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 429
    assert "Too many wrong codes" in response.get_data(as_text=True)


def test_a_recovery_code_works_once(client, member):
    _, codes = enrol(client, member)
    client.login(member.email)
    assert client.submit("/login/verify", {"code": codes[0].upper()}).status_code == 302
    client.submit("/logout")
    client.login(member.email)
    assert client.submit("/login/verify", {"code": codes[0]}).status_code == 422
    assert client.submit("/login/verify", {"code": codes[1]}).status_code == 302


def test_password_reset_does_not_bypass_the_second_factor(client, member, outbox):
    enrol(client, member)
    client.submit("/password/forgot", {"email": member.email})
    text = outbox()[0].get_body(preferencelist=("plain",)).get_content()
    path = re.search(r"/password/reset/\S+", text).group(0)
    new = "a new and long passphrase"
    assert client.submit(path, {"password": new, "confirm": new}).status_code == 302
    assert client.get("/").status_code == 302
    assert client.login(member.email, new).headers["Location"] == "/login/verify"
    assert client.get("/").status_code == 302


def test_the_second_step_expires(client, member, monkeypatch):
    secret, _ = enrol(client, member)
    client.login(member.email)
    with client.session_transaction() as session:
        session["2fa_pending"] = {**session["2fa_pending"], "at": "2000-01-01T00:00:00+00:00"}
    response = client.submit("/login/verify", {"code": next_code(secret)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_required_roles_must_enrol_before_anything_else(app, client, admin):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = ("admin",)
    client.login(admin.email)
    response = client.get("/admin/plugins")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/security"
    assert client.submit("/admin/plugins/example/disable", {"confirm": "yes"}).status_code == 403
    page = client.get("/account/security").get_data(as_text=True)
    assert "Your role requires two-factor authentication" in page


def test_required_roles_cannot_turn_it_off(app, client, admin):
    secret, _ = enrol(client, admin)
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = ("admin",)
    client.login(admin.email)
    client.submit("/login/verify", {"code": next_code(secret)})
    response = client.submit(
        "/account/security/two-factor/disable", {"password": PASSWORD, "code": "000000"}
    )
    assert response.status_code == 403
    db.session.refresh(admin)
    assert admin.has_two_factor


def test_turning_it_off_needs_password_and_code(client, member):
    secret, codes = enrol(client, member)
    client.login(member.email)
    assert client.submit("/login/verify", {"code": codes[0]}).status_code == 302
    wrong = client.submit(
        "/account/security/two-factor/disable", {"password": "not it", "code": codes[1]}
    )
    assert wrong.status_code == 422
    right = client.submit(
        "/account/security/two-factor/disable", {"password": PASSWORD, "code": next_code(secret)}
    )
    assert right.status_code == 303
    db.session.refresh(member)
    assert not member.has_two_factor
    assert db.session.scalar(select(RecoveryCode.id)) is None


def test_two_factor_changes_are_audited(client, member):
    enrol(client, member)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "two_factor.enabled" in actions


def test_a_recovery_code_works_on_a_host_with_another_secret_key(app, client, config, member):
    _, codes = enrol(client, member)
    other_host = create_app({**config, "SECRET_KEY": "another-hosts-key-" + "y" * 32})
    other_host.test_client_class = Client
    with other_host.app_context():
        browser = other_host.test_client()
        browser.login(member.email)
        assert browser.submit("/login/verify", {"code": codes[3]}).status_code == 302
        assert browser.get("/profile").status_code == 200
        db.session.remove()
        db.engine.dispose()


def test_codes_made_before_the_keyless_hash_still_work_with_their_key(app, client, member):
    enrol(client, member)
    old_code = "abcde-fghjk"
    db.session.add(RecoveryCode(user_id=member.id, code_hash=_legacy_code_hash(old_code)))
    db.session.commit()
    client.login(member.email)
    assert client.submit("/login/verify", {"code": old_code}).status_code == 302
