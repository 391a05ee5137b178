"""An invitation to an address that has an account never signs anyone in (issue 18, finding 5)."""

from __future__ import annotations

from datetime import timedelta

import pyotp
from sqlalchemy import select

from intranet.extensions import db
from intranet.models import User
from intranet_partners import expiry, service
from intranet_partners.models import Grant, Guest
from tests.conftest import PASSWORD
from tests.plugins.partners.conftest import (
    GUEST_PASSWORD,
    audit_actions,
    invitation_link,
    invite_data,
)

GUEST = "nora@ngo.example"


def granted_note_ids() -> list[int]:
    return list(db.session.scalars(select(Grant.resource_id).order_by(Grant.resource_id)))


def signed_in_email(browser) -> str | None:
    page = browser.get("/profile")
    if page.status_code != 200:
        return None
    return GUEST if GUEST in page.get_data(as_text=True) else "someone else"


def test_whoever_holds_the_link_is_asked_to_sign_in_and_is_not_signed_in(
    guest_client, invite, notes, new_client
):
    link = invite([notes[1].id])
    browser = new_client()
    page = browser.get(link)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Sign in to accept" in html
    assert "/login?next=/invite/" in html
    assert 'name="password"' not in html

    forged = browser.submit(link, {"password": "anything at all here", "confirm": "x"})
    assert forged.status_code == 403
    assert signed_in_email(browser) is None
    assert granted_note_ids() == [notes[0].id]
    assert "partners.invitation.refused" in audit_actions()


def test_the_owner_signs_in_through_the_core_login_and_then_accepts(
    guest_client, invite, notes, new_client
):
    link = invite([notes[1].id])
    browser = new_client()
    signed_in = browser.login(GUEST, GUEST_PASSWORD, next=link)
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"] == link
    page = browser.get(link).get_data(as_text=True)
    assert "accepting adds this access to your account" in page

    assert browser.submit(link).status_code == 303
    assert len(db.session.scalars(select(User).where(User.email == GUEST)).all()) == 1
    assert granted_note_ids() == [notes[0].id, notes[1].id]
    assert browser.get(f"/example/notes/{notes[1].id}").status_code == 200
    assert new_client().get(link).status_code == 410, "the link works once"


def test_the_second_factor_is_asked_before_the_invitation_can_be_accepted(
    guest_client, invite, notes, new_client
):
    guest = db.session.scalar(select(User).where(User.email == GUEST))
    secret = pyotp.random_base32()
    guest.totp_secret = secret
    guest.totp_enabled_at = service.utcnow()
    db.session.commit()
    link = invite([notes[1].id])
    browser = new_client()
    first_step = browser.login(GUEST, GUEST_PASSWORD, next=link)
    assert first_step.headers["Location"].endswith("/login/verify")
    assert browser.submit(link).status_code == 403
    assert granted_note_ids() == [notes[0].id]

    second_step = browser.submit("/login/verify", {"code": pyotp.TOTP(secret).now()})
    assert second_step.headers["Location"] == link
    assert browser.submit(link).status_code == 303
    assert granted_note_ids() == [notes[0].id, notes[1].id]


def test_someone_else_signed_in_is_told_the_invitation_is_for_another_account(
    guest_client, invite, notes, new_client, member
):
    link = invite([notes[1].id])
    browser = new_client()
    browser.login(member.email, PASSWORD)
    page = browser.get(link)
    assert page.status_code == 403
    assert "for another account" in page.get_data(as_text=True)
    assert browser.submit(link).status_code == 403
    assert granted_note_ids() == [notes[0].id]
    assert signed_in_email(browser) == "someone else"


def test_a_deactivated_account_is_never_reactivated_by_an_invitation(
    client, guest_client, secretariat, notes, new_client, outbox
):
    guest = db.session.scalar(select(User).where(User.email == GUEST))
    db.session.get(Guest, guest.id).access_ends_on = service.today() - timedelta(days=1)
    db.session.commit()
    expiry.expire_due_guests()

    client.login(secretariat.email, PASSWORD)
    sent = client.submit("/partners/invite", invite_data([notes[1].id]), follow_redirects=True)
    assert f"The account of {GUEST} is deactivated" in sent.get_data(as_text=True)
    client.submit("/logout")
    link = invitation_link(outbox()[-1])

    browser = new_client()
    page = browser.get(link)
    assert page.status_code == 403
    assert "never reactivates an account" in page.get_data(as_text=True)
    assert browser.login(GUEST, GUEST_PASSWORD).status_code == 403
    assert browser.submit(link).status_code == 403
    db.session.refresh(guest)
    assert not guest.is_active_account
    assert granted_note_ids() == [notes[0].id]
