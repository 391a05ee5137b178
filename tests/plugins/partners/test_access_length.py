"""Guest access has a maximum length, a setting (24 months unless an admin changes it)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from intranet.extensions import db
from intranet.models import User
from intranet_partners.models import Guest, Invitation
from intranet_partners.settings import add_months, today
from tests.conftest import PASSWORD
from tests.plugins.partners.conftest import invite_data
from tests.plugins.partners.test_bulk_and_overview import bulk_data

LIMIT = "Guest access lasts at most"


def months_ahead(months: int, days: int = 0) -> str:
    return (add_months(today(), months) + timedelta(days=days)).isoformat()


def test_an_invitation_ends_within_the_longest_access(client, secretariat, notes):
    client.login(secretariat.email, PASSWORD)
    too_long = client.submit(
        "/partners/invite", invite_data([notes[0].id], access_ends_on=months_ahead(24, days=1))
    )
    assert too_long.status_code == 422
    assert LIMIT in too_long.get_data(as_text=True)
    assert db.session.scalar(select(Invitation)) is None
    at_the_limit = client.submit(
        "/partners/invite", invite_data([notes[0].id], access_ends_on=months_ahead(24))
    )
    assert at_the_limit.status_code == 303


def test_a_bulk_invitation_ends_within_the_longest_access(client, secretariat, notes):
    client.login(secretariat.email, PASSWORD)
    response = client.submit(
        "/partners/bulk", bulk_data(notes[0].id, access_ends_on="2099-01-31", step="send")
    )
    assert response.status_code == 422
    assert LIMIT in response.get_data(as_text=True)
    assert db.session.scalar(select(Invitation)) is None


def test_a_renewal_ends_within_the_longest_access(client, guest_client, secretariat):
    guest = db.session.scalar(select(User).where(User.email == "nora@ngo.example"))
    before = db.session.get(Guest, guest.id).access_ends_on
    client.login(secretariat.email, PASSWORD)
    for until in ("2099-06-30", "9999-12-31"):
        refused = client.submit(f"/partners/guests/{guest.id}/renew", {"access_ends_on": until})
        assert refused.status_code == 422
    db.session.expire_all()
    assert db.session.get(Guest, guest.id).access_ends_on == before


def test_the_longest_access_is_a_setting(app, client, secretariat, notes):
    app.config["PARTNERS_MAX_ACCESS_MONTHS"] = 3
    client.login(secretariat.email, PASSWORD)
    page = client.get("/partners/invite").get_data(as_text=True)
    assert f'value="{months_ahead(3)}"' in page, "the proposed end date respects the limit"
    refused = client.submit(
        "/partners/invite", invite_data([notes[0].id], access_ends_on=months_ahead(4))
    )
    assert refused.status_code == 422
    assert f"{LIMIT} 3 months" in refused.get_data(as_text=True)
