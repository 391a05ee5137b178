"""Inviting a partner, accepting the invitation, and every way an invitation is refused."""

from __future__ import annotations

from sqlalchemy import select

from intranet.extensions import db
from intranet.models import User
from intranet_partners import service
from intranet_partners.models import Grant, Invitation
from tests.conftest import PASSWORD, mail_text
from tests.plugins.partners.conftest import (
    GUEST_PASSWORD,
    audit_actions,
    invitation_link,
    invite_data,
    stored_counts,
)


def test_an_invited_partner_accepts_and_sees_only_the_shared_note(
    invite, new_client, notes, outbox
):
    link = invite([notes[0].id])
    mail = outbox()[-1]
    assert mail["To"] == "nora@ngo.example"
    assert "Note: Shared with partners" in mail_text(mail)
    token = link.rsplit("/", 1)[1]
    stored = db.session.scalar(select(Invitation.token_hash))
    assert token not in stored and stored == service.token_digest(token)

    browser = new_client()
    page = browser.get(link)
    assert page.status_code == 200
    assert "Choose a password" in page.get_data(as_text=True)
    response = browser.submit(link, {"password": GUEST_PASSWORD, "confirm": GUEST_PASSWORD})
    assert response.status_code == 303

    guest = db.session.scalar(select(User).where(User.email == "nora@ngo.example"))
    assert guest.role == "guest"
    assert "Shared with partners" in browser.get("/partners/me").get_data(as_text=True)
    assert browser.get(f"/example/notes/{notes[0].id}").status_code == 200
    assert browser.get(f"/example/notes/{notes[1].id}").status_code == 404
    assert browser.get("/example/").status_code == 403
    assert "partners.invitation.accepted" in audit_actions()


def test_the_guest_can_sign_in_later_with_the_chosen_password(guest_client, new_client):
    browser = new_client()
    response = browser.login("nora@ngo.example", GUEST_PASSWORD)
    assert response.status_code == 302


def test_a_link_works_only_once(guest_client, outbox, new_client):
    link = invitation_link(outbox()[0])
    again = new_client().get(link)
    assert again.status_code == 410
    assert "already accepted" in again.get_data(as_text=True)
    assert "partners.invitation.unusable_link" in audit_actions()


def test_accepting_twice_stores_nothing_more(invite, new_client, notes):
    link = invite([notes[0].id])
    first, second = new_client(), new_client()
    form = {"password": GUEST_PASSWORD, "confirm": GUEST_PASSWORD}
    first_token = first.csrf_token()
    second_token = second.csrf_token()
    assert first.post(link, data={**form, "csrf_token": first_token}).status_code == 303
    before = stored_counts()
    assert second.post(link, data={**form, "csrf_token": second_token}).status_code == 410
    assert stored_counts() == before


def test_a_weak_password_is_refused_next_to_the_field(invite, new_client, notes):
    link = invite([notes[0].id])
    browser = new_client()
    response = browser.submit(link, {"password": "password123", "confirm": "password123"})
    assert response.status_code == 422
    assert "too common" in response.get_data(as_text=True) or "at least" in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(User).where(User.email == "nora@ngo.example")) is None
    assert db.session.scalar(select(Invitation.accepted_at)) is None


def test_tampered_and_truncated_links_are_refused_and_logged(invite, new_client, notes):
    link = invite([notes[0].id])
    browser = new_client()
    for bad in (link[:-5], link[:-1] + ("A" if link[-1] != "A" else "B"), "/invite/" + "x" * 300):
        response = browser.get(bad)
        assert response.status_code == 404
        assert "not valid" in response.get_data(as_text=True)
    response = browser.submit(link[:-3], {"password": GUEST_PASSWORD, "confirm": GUEST_PASSWORD})
    assert response.status_code == 404
    assert audit_actions().count("partners.invitation.bad_link") == 4
    assert db.session.scalar(select(User).where(User.email == "nora@ngo.example")) is None


def test_bad_invitations_are_refused_with_nothing_stored_and_logged(
    client, secretariat, member, notes, outbox
):
    client.login(secretariat.email)
    cases = [
        ({"email": "not-an-email"}, "valid email"),
        ({"email": member.email}, "member of the task force"),
        ({"access_ends_on": "2001-01-01"}, "in the past"),
        ({"resources": ["example.note:99999"]}, "what you can see yourself"),
        ({"resources": ["subgroups.group:1"]}, "what you can see yourself"),
        ({"resources": []}, "at least one"),
        ({"name": ""}, "required"),
    ]
    for overrides, message in cases:
        response = client.submit("/partners/invite", invite_data([notes[0].id], **overrides))
        assert response.status_code == 422, overrides
        assert message in response.get_data(as_text=True), (overrides, message)
        assert 'value="Baltic NGO Network"' in response.get_data(as_text=True)
    assert stored_counts() == (0, 0, 0)
    assert outbox() == []
    assert audit_actions().count("partners.invitation.refused") == len(cases)


def test_a_second_pending_invitation_to_the_same_address_is_refused(invite, client, notes):
    invite([notes[0].id])
    client.login("sofia@example.org")
    response = client.submit("/partners/invite", invite_data([notes[1].id]))
    assert response.status_code == 422
    assert "still pending" in response.get_data(as_text=True)


def test_members_who_are_not_inviters_cannot_invite(client, member, notes):
    client.login(member.email)
    assert client.get("/partners/").status_code == 403
    assert client.submit("/partners/invite", invite_data([notes[0].id])).status_code == 403
    assert "Partners</a>" not in client.get("/").get_data(as_text=True)


def test_who_may_invite_is_a_setting(app, client, member, notes):
    app.config["PARTNERS_INVITER_ROLES"] = ["secretariat", "admin", "member"]
    client.login(member.email)
    assert client.get("/partners/invite").status_code == 200
    response = client.submit("/partners/invite", invite_data([notes[0].id]))
    assert response.status_code == 303
    assert db.session.scalar(select(Invitation.sponsor_id)) == member.id


def test_a_plugin_can_let_a_member_invite_to_its_own_resources(app, client, member, notes):
    from intranet.plugin_api import hookimpl

    class Convenors:
        @hookimpl
        def intranet_permitted(self, user, action):
            if action == "partners.invite" and user.id == member.id:
                return {"example.note": [notes[0].id]}
            return None

    app.extensions["intranet_plugins"].pm.register(Convenors(), name="convenors")
    client.login(member.email)
    page = client.get("/partners/invite").get_data(as_text=True)
    assert "Shared with partners" in page and "Members only" not in page
    refused = client.submit("/partners/invite", invite_data([notes[1].id]))
    assert refused.status_code == 422
    assert client.submit("/partners/invite", invite_data([notes[0].id])).status_code == 303


def test_a_plugin_can_let_a_member_invite_at_all(app, client, member):
    """A site's own plugin may answer "partners.invite" for a person: that member may open
    the invitation (the question `may_invite` asks before the grantables)."""
    from intranet.plugin_api import hookimpl

    class Delegates:
        @hookimpl
        def intranet_permission(self, user, action, resource):
            return True if action == "partners.invite" and user.id == member.id else None

    client.login(member.email)
    assert client.get("/partners/invite").status_code == 403
    app.extensions["intranet_plugins"].pm.register(Delegates(), name="delegates")
    assert client.get("/partners/invite").status_code == 200


def test_resending_kills_the_old_link(invite, client, notes, outbox, new_client):
    old_link = invite([notes[0].id])
    invitation = db.session.scalar(select(Invitation))
    client.login("sofia@example.org")
    assert client.submit(f"/partners/invitations/{invitation.id}/resend").status_code == 303
    new_link = invitation_link(outbox()[-1])
    assert new_link != old_link
    browser = new_client()
    assert browser.get(old_link).status_code == 404
    assert browser.get(new_link).status_code == 200
    assert "partners.invitation.resent" in audit_actions()


def test_a_revoked_invitation_says_so_and_the_sponsor_can_be_asked_again(
    invite, client, notes, outbox, new_client
):
    link = invite([notes[0].id])
    invitation = db.session.scalar(select(Invitation))
    client.login("sofia@example.org")
    assert (
        client.submit(
            f"/partners/invitations/{invitation.id}/revoke", {"confirm": "yes"}
        ).status_code
        == 303
    )
    assert "Revoked" in client.get("/partners/").get_data(as_text=True)

    browser = new_client()
    page = browser.get(link)
    assert page.status_code == 410
    assert "withdrawn" in page.get_data(as_text=True)
    accept = browser.submit(link, {"password": GUEST_PASSWORD, "confirm": GUEST_PASSWORD})
    assert accept.status_code == 410
    assert db.session.scalar(select(User).where(User.email == "nora@ngo.example")) is None

    asked = browser.submit(link + "/ask")
    assert asked.status_code == 200
    mail = outbox()[-1]
    assert mail["To"] == "sofia@example.org"
    assert "asks for a new" in mail["Subject"]
    browser.submit(link + "/ask")
    assert len(outbox()) == 2, "one request a day reaches the sponsor"


def test_an_expired_link_says_so(invite, client, notes, new_client):
    link = invite([notes[0].id])
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at = service.utcnow().replace(year=2000)
    db.session.commit()
    page = new_client().get(link)
    assert page.status_code == 410
    assert "expired" in page.get_data(as_text=True)
    assert "Ask Sofia Secretariat for a new link" in page.get_data(as_text=True)
    client.login("sofia@example.org")
    assert "Expired" in client.get("/partners/").get_data(as_text=True)


def test_an_existing_guest_gets_the_new_grants_on_the_same_account(
    guest_client, invite, notes, new_client
):
    link = invite([notes[1].id], message="One more note")
    browser = new_client()
    page = browser.get(link).get_data(as_text=True)
    assert "You already have an account" in page
    browser.login("nora@ngo.example", GUEST_PASSWORD)
    assert browser.submit(link).status_code == 303
    users = db.session.scalars(select(User).where(User.email == "nora@ngo.example")).all()
    assert len(users) == 1
    grants = db.session.scalars(select(Grant.resource_id).order_by(Grant.resource_id)).all()
    assert grants == [notes[0].id, notes[1].id]
    assert browser.get(f"/example/notes/{notes[1].id}").status_code == 200


def test_the_tracking_list_shows_states_and_dates(invite, client, notes):
    invite([notes[0].id])
    invite([notes[0].id], email="other@un.example", name="Omar Other")
    revoked = db.session.scalar(select(Invitation).where(Invitation.email == "other@un.example"))
    revoked.revoked_at = service.utcnow()
    db.session.commit()
    client.login("sofia@example.org", PASSWORD)
    page = client.get("/partners/").get_data(as_text=True)
    assert "Pending" in page and "Revoked" in page
    assert "Link valid until" in page


def test_the_menu_offers_partners_to_a_member_a_plugin_lets_invite(app, client, member):
    """The menu asks without a resource, so it never lists every grantable resource per page."""
    from intranet.plugin_api import hookimpl

    class Convenors:
        @hookimpl
        def intranet_permission(self, user, action, resource):
            if action == "partners.invite" and user.id == member.id:
                return True
            return None

    client.login(member.email)
    assert "Partners</a>" not in client.get("/").get_data(as_text=True)
    app.extensions["intranet_plugins"].pm.register(Convenors(), name="convenors")
    assert "Partners</a>" in client.get("/").get_data(as_text=True)
