"""The first sign-in setup: offered once to a new account, skippable, never asked again."""

from __future__ import annotations

from intranet.extensions import db
from intranet.models import User
from tests.directory_helpers import organisation

SETUP = {
    "timezone": "Europe/Riga",
    "organisation_id": "",
    "phone": "+371 2 123 4567",
    "phone_visibility": "hidden",
    "notification_preference": "digest",
}


def test_a_new_account_is_led_to_the_setup_and_saves_it(client, make_user):
    ministry = organisation("Ministry of the Interior", "ministry", "LV")
    newcomer = make_user(welcome_pending=True, country_code="LV")
    response = client.login(newcomer.email, next="/directory")
    assert response.headers["Location"] == "/welcome?next=/directory"
    page = client.get("/welcome").get_data(as_text=True)
    assert "Skip for now" in page and '"Europe/Riga">Riga (UTC+' in page
    assert "js/welcome.js" in page
    response = client.submit(
        "/welcome?next=/directory", {**SETUP, "organisation_id": str(ministry.id)}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/directory"
    db.session.expire_all()
    saved = db.session.get(User, newcomer.id)
    assert (saved.timezone, saved.organisation_id) == ("Europe/Riga", ministry.id)
    assert (saved.phone, saved.phone_visibility) == ("+371 2 123 4567", "hidden")
    assert saved.notification_preference == "digest" and not saved.welcome_pending
    assert client.get("/welcome").headers["Location"] == "/"


def test_skipping_changes_nothing_and_is_not_asked_again(client, make_user):
    newcomer = make_user(welcome_pending=True, timezone="Europe/Vilnius")
    client.login(newcomer.email)
    response = client.submit("/welcome", {**SETUP, "skip": "yes"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    db.session.expire_all()
    assert db.session.get(User, newcomer.id).timezone == "Europe/Vilnius"
    client.submit("/logout")
    assert client.login(newcomer.email).headers["Location"] == "/"


def test_the_setup_refuses_a_zone_not_in_the_list_next_to_the_field(client, make_user):
    client.login(make_user(welcome_pending=True).email)
    response = client.submit("/welcome", {**SETUP, "timezone": "Mars/Olympus"})
    assert response.status_code == 422
    assert "Choose a time zone from the list" in response.get_data(as_text=True)


def test_accounts_not_marked_go_straight_to_the_dashboard(client, member):
    assert client.login(member.email).headers["Location"] == "/"
