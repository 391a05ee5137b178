"""Sponsors, guests and the secretariat hear about what happens to an invitation or an access,
in the intranet and by mail as each prefers; nobody hears about what they did themselves."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from intranet.extensions import db
from intranet.models import User
from intranet.platform import plugins
from intranet.plugin_api import Notification, utcnow
from intranet_partners import expiry, notices, service
from intranet_partners.models import Guest, Invitation
from tests.conftest import mail_text
from tests.plugins.partners.conftest import (
    GUEST_PASSWORD,
    RENEWED_UNTIL,
    invitation_link,
    invite_data,
)


def the_guest() -> User:
    return db.session.scalar(select(User).where(User.email == "nora@ngo.example"))


def notified(user: User, kind: str) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(
                Notification.user_id == user.id, Notification.kind == f"partners.{kind}"
            )
        )
    )


def mails_to(outbox, email: str, subject_part: str) -> list:
    return [m for m in outbox() if m["To"] == email and subject_part in m["Subject"]]


def test_the_sponsor_hears_that_the_invitation_was_accepted(guest_client, secretariat, outbox):
    guest = the_guest()
    (notification,) = notified(secretariat, "invitation_accepted")
    assert notification.title == "Nora Partner accepted your invitation"
    assert notification.url == f"/partners/guests/{guest.id}"
    assert "Note: Shared with partners" in notification.text
    assert mails_to(outbox, secretariat.email, "accepted your invitation")
    assert notified(guest, "invitation_accepted") == []


def test_the_guest_hears_of_new_access_and_the_sponsor_does_not(
    client, guest_client, notes, secretariat, outbox
):
    guest = the_guest()
    client.login(secretariat.email)
    client.submit(
        f"/partners/guests/{guest.id}/grants", {"resources": [f"example.note:{notes[1].id}"]}
    )
    (notification,) = notified(guest, "grant_added")
    assert "Note: Members only" in notification.title
    assert notification.url == "/partners/me"
    assert mails_to(outbox, guest.email, "You have been given access")
    assert notified(secretariat, "grant_added") == []


def test_the_guest_hears_that_access_was_renewed(client, guest_client, secretariat, outbox):
    guest = the_guest()
    client.login(secretariat.email)
    client.submit(f"/partners/guests/{guest.id}/renew", {"access_ends_on": RENEWED_UNTIL})
    (notification,) = notified(guest, "access_renewed")
    assert RENEWED_UNTIL in notification.title
    assert mails_to(outbox, guest.email, RENEWED_UNTIL)
    assert notified(secretariat, "access_renewed") == []


def test_when_access_ends_the_guest_is_mailed_and_the_sponsor_notified(
    guest_client, secretariat, outbox
):
    guest = the_guest()
    db.session.get(Guest, guest.id).access_ends_on = service.today() - timedelta(days=1)
    db.session.commit()
    assert expiry.expire_due_guests() == 1

    (mail,) = mails_to(outbox, guest.email, "your guest access has ended")
    assert "ask Sofia Secretariat to renew" in mail_text(mail)
    assert notified(guest, "access_ended") == []
    (notification,) = notified(secretariat, "access_ended")
    assert notification.url == f"/partners/guests/{guest.id}"
    assert mails_to(outbox, secretariat.email, "Guest access of Nora Partner has ended")

    assert expiry.expire_due_guests() == 0
    assert len(notified(secretariat, "access_ended")) == 1


def test_a_guest_who_wants_no_mails_is_not_mailed_when_access_ends(guest_client, outbox):
    guest = the_guest()
    guest.notification_preference = "none"
    db.session.get(Guest, guest.id).access_ends_on = service.today() - timedelta(days=1)
    db.session.commit()
    expiry.expire_due_guests()
    assert not mails_to(outbox, guest.email, "has ended")


def test_the_sponsor_hears_once_that_an_invitation_expired_unaccepted(
    app, invite, notes, secretariat, outbox
):
    invite([notes[0].id])
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    assert notices.announce_expired_invitations() == 1
    assert notices.announce_expired_invitations() == 0
    (notification,) = notified(secretariat, "invitation_expired")
    assert "Nora Partner" in notification.title and notification.url == "/partners/"
    assert len(mails_to(outbox, secretariat.email, "expired unaccepted")) == 1
    assert "partners.expired-invitations" in {
        job.name for job in plugins.collect("intranet_scheduled_jobs")
    }


def test_a_resent_invitation_that_expires_again_is_announced_again(
    client, invite, notes, secretariat
):
    invite([notes[0].id])
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    notices.announce_expired_invitations()
    client.login(secretariat.email)
    client.submit(f"/partners/invitations/{invitation.id}/resend")
    db.session.refresh(invitation)
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert notices.announce_expired_invitations() == 1


def test_the_secretariat_hears_when_a_sponsor_leaves_but_not_who_deactivated_them(
    app, client, make_user, notes, outbox, new_client, secretariat
):
    app.config["PARTNERS_INVITER_ROLES"] = ["secretariat", "admin", "member"]
    sponsor = make_user("member", email="erik@example.org", name="Erik Sponsor")
    colleague = make_user("secretariat", email="sam@example.org", name="Sam Secretariat")
    client.login(sponsor.email)
    client.submit("/partners/invite", invite_data([notes[0].id]))
    new_client().submit(
        invitation_link(outbox()[-1]), {"password": GUEST_PASSWORD, "confirm": GUEST_PASSWORD}
    )
    client.submit("/logout")
    client.login(secretariat.email)
    response = client.submit(f"/admin/users/{sponsor.id}/deactivate", {"reason": "Left the CBSS"})
    assert response.status_code in (200, 303)

    (notification,) = notified(colleague, "sponsor_left")
    assert notification.title == "Guests of Erik Sponsor need a new sponsor"
    assert "Nora Partner (Baltic NGO Network)" in notification.text
    assert mails_to(outbox, colleague.email, "need a new sponsor")
    assert notified(secretariat, "sponsor_left") == []
    assert not mails_to(outbox, secretariat.email, "need a new sponsor")
