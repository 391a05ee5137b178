"""The end of guest access, as the scheduler runs it: only the guests whose end date has
passed lose their account, each with the deactivation time and an audit event that says why;
the sponsor's reminder says whose access ends and when. (mutmut found these unchecked.)"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from intranet.extensions import db
from intranet.models import AuditEvent, User
from intranet.plugin_api import utcnow
from intranet_partners import expiry, service
from intranet_partners.models import Guest
from tests.plugins.partners.conftest import GUEST_PASSWORD


def accepted(invite, new_client, notes, email: str) -> Guest:
    link = invite([notes[0].id], email=email, name=f"Guest {email}")
    response = new_client().submit(link, {"password": GUEST_PASSWORD, "confirm": GUEST_PASSWORD})
    assert response.status_code == 303
    user = db.session.scalar(select(User).where(User.email == email))
    return db.session.scalar(select(Guest).where(Guest.user_id == user.id))


def test_the_job_ends_only_the_access_whose_date_has_passed(app, invite, new_client, notes):
    passed = accepted(invite, new_client, notes, "passed@ngo.example")
    last_day = accepted(invite, new_client, notes, "lastday@ngo.example")
    later = accepted(invite, new_client, notes, "later@ngo.example")
    passed.access_ends_on = service.today() - timedelta(days=1)
    last_day.access_ends_on = service.today()
    later.access_ends_on = service.today() + timedelta(days=30)
    db.session.commit()

    assert expiry.expire_due_guests() == 1
    db.session.expire_all()
    ended = db.session.get(Guest, passed.user_id)
    assert ended.ended_at is not None
    assert not ended.user.is_active_account
    assert ended.user.deactivated_at is not None
    for guest_id in (last_day.user_id, later.user_id):
        kept = db.session.get(Guest, guest_id)
        assert kept.ended_at is None and kept.user.is_active_account
        assert kept.user.deactivated_at is None
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "partners.guest.expired")
    )
    assert event.target == f"user:{passed.user_id}"
    assert event.actor_id is None
    assert event.details == {
        "reason": "access end date passed",
        "access_ended_on": (service.today() - timedelta(days=1)).isoformat(),
    }
    assert expiry.expire_due_guests() == 0


def test_the_reminder_names_the_guest_and_the_end_date(
    app, invite, new_client, notes, outbox, make_user
):
    make_user("secretariat", email="other.staff@example.org")  # not told: the sponsor is
    guest = accepted(invite, new_client, notes, "soon@ngo.example")
    far = accepted(invite, new_client, notes, "far@ngo.example")
    guest.access_ends_on = service.today() + timedelta(days=3)
    far.access_ends_on = service.today() + timedelta(days=400)
    db.session.commit()
    before = len(outbox())

    assert expiry.remind_sponsors() == 1
    mail = outbox()[before]
    assert mail["To"] == db.session.get(User, guest.sponsor_id).email
    assert mail["Subject"].endswith(
        f"guest access of Guest soon@ngo.example ends on {guest.access_ends_on}"
    )
    body = mail.get_body(("plain",)).get_content()
    assert "Guest soon@ngo.example" in body
    assert f"/partners/guests/{guest.user_id}" in body
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "partners.guest.reminder_sent")
    )
    assert event.target == f"user:{guest.user_id}"
    assert db.session.get(Guest, guest.user_id).reminded_for == guest.access_ends_on


def test_a_reminder_goes_to_the_secretariat_once_the_sponsor_left(
    app, invite, new_client, notes, outbox, secretariat, make_user
):
    make_user("secretariat", email="second.staff@example.org")
    today_guest = accepted(invite, new_client, notes, "today@ngo.example")
    today_guest.access_ends_on = service.today()
    sponsor = db.session.get(User, today_guest.sponsor_id)
    sponsor.is_active_account = False
    db.session.commit()
    before = len(outbox())

    assert expiry.remind_sponsors() == 1  # the sponsor is inactive: the other staff member
    to = {mail["To"] for mail in outbox()[before:]}
    assert to == {"second.staff@example.org"}


def test_guests_of_a_sponsor_who_left_are_flagged_for_the_secretariat(
    app, invite, new_client, notes, secretariat, make_user
):
    from intranet.platform.notifications import Notification

    other_staff = make_user("secretariat", email="second.staff@example.org")
    first = accepted(invite, new_client, notes, "first@ngo.example")
    second = accepted(invite, new_client, notes, "second@ngo.example")
    second.access_ends_on = service.today() - timedelta(days=2)
    second.ended_at = utcnow()
    db.session.commit()
    sponsor = db.session.get(User, first.sponsor_id)

    expiry.flag_orphaned_guests(sponsor)
    db.session.expire_all()
    assert db.session.get(Guest, first.user_id).sponsor_flagged_at is not None
    assert db.session.get(Guest, second.user_id).sponsor_flagged_at is None  # ended already
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "partners.guest.sponsor_left")
    )
    assert (event.target, event.actor_id) == (f"user:{first.user_id}", None)
    assert event.details == {"sponsor": sponsor.id}
    told = db.session.scalar(select(Notification).where(Notification.user_id == other_staff.id))
    assert told.kind == "partners.sponsor_left"
    assert told.title == f"Guests of {sponsor.name} need a new sponsor"
    assert "Guest first@ngo.example (Baltic NGO Network)" in told.text
    assert "second@ngo.example" not in told.text
    assert told.url.endswith("/partners/")
