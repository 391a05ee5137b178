"""Guests have no delegation: a guest account carries no country code."""

from __future__ import annotations

from sqlalchemy import select, text

from intranet.extensions import db
from intranet.models import User
from intranet.platform import schema
from tests.plugins.partners.conftest import GUEST_PASSWORD

GUEST = "nora@ngo.example"


def the_guest() -> User:
    return db.session.scalar(select(User).where(User.email == GUEST))


def test_a_new_guest_has_no_country(guest_client):
    assert the_guest().country_code is None


def test_accepting_an_invitation_clears_a_guests_country(guest_client, invite, notes, new_client):
    the_guest().country_code = "SE"
    db.session.commit()
    link = invite([notes[1].id])
    browser = new_client()
    browser.login(GUEST, GUEST_PASSWORD)
    assert browser.submit(link).status_code == 303
    db.session.expire_all()
    assert the_guest().country_code is None


def test_the_migration_clears_the_country_of_existing_guests_only(app, guest_client, member):
    schema.downgrade("partners_0002")
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE user_account SET country_code = 'SE'"))
    schema.upgrade()
    db.session.expire_all()
    assert the_guest().country_code is None
    assert db.session.get(User, member.id).country_code == "SE"
