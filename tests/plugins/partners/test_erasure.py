"""Erasure in the partners plugin: a guest's record, grants and invitation go; a sponsor of
active guests or pending invitations must hand them over first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from intranet.extensions import db
from intranet.models import utcnow
from intranet.platform import plugins
from intranet.privacy.erasure import ErasureRefused, erase_account
from intranet_partners.models import Grant, Guest, Invitation
from tests.erasure_helpers import EMAIL, NAME, assert_forgotten, make_person
from tests.partner_helpers import make_guest


@pytest.fixture
def staff(app, client, secretariat):
    client.login(secretariat.email)
    return client


def invitation(email: str, name: str, sponsor, **fields) -> Invitation:
    now = utcnow()
    return Invitation(
        email=email,
        name=name,
        organisation="Baltic NGO Network",
        organisation_kind="ngo",
        message=f"Dear {name}, welcome.",
        sponsor_id=sponsor.id,
        access_ends_on=(now + timedelta(days=90)).date(),
        token_hash=f"{email}-token".ljust(64, "x")[:64],
        expires_at=now + timedelta(days=14),
        **fields,
    )


@pytest.fixture
def guest(make_user, secretariat):
    person = make_person(make_user, role="guest")
    db.session.add_all(
        [
            Guest(
                user_id=person.id,
                organisation="Baltic NGO Network",
                organisation_kind="ngo",
                sponsor_id=secretariat.id,
                access_ends_on=(utcnow() + timedelta(days=90)).date(),
            ),
            invitation(EMAIL, NAME, secretariat, accepted_at=utcnow(), guest_id=person.id),
            Grant(guest_id=person.id, resource_kind="notes.note", resource_id=1, label="A note"),
        ]
    )
    db.session.commit()
    return person


def test_partner_pages_and_export_forget_the_guest(staff, guest):
    urls = ["/partners/", "/partners/organisations", "/partners/organisations.csv"]
    assert staff.get(f"/partners/guests/{guest.id}").status_code == 200
    assert_forgotten(staff, guest, urls, searchable=False)
    assert staff.get(f"/partners/guests/{guest.id}").status_code == 404
    for model in (Guest, Invitation, Grant):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_a_disabled_plugin_still_erases_its_data(staff, guest):
    plugins.set_enabled("partners", False)
    erase_account(guest, actor=None, via="retention")
    plugins.set_enabled("partners", True)
    for model in (Guest, Invitation, Grant):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_a_sponsor_hands_over_guests_and_pending_invitations_first(app, make_user, guest):
    sponsor = make_user("member", email="sponsor@example.org", name="Sam Sponsor")
    db.session.get(Guest, guest.id).sponsor_id = sponsor.id
    db.session.add(invitation("new@ngo.example", "Nina New", sponsor))
    db.session.commit()
    with pytest.raises(ErasureRefused) as refused:
        erase_account(sponsor, actor=None, via="admin")
    ends = db.session.get(Guest, guest.id).access_ends_on
    assert refused.value.blockers == [
        f"Sponsor of the guest {NAME} (Baltic NGO Network), access until {ends:%d %b %Y}: end "
        "the access on the Partners page or ask the secretariat to take the guest over.",
        "Sponsor of the pending invitation of Nina New (Baltic NGO Network): "
        "revoke it on the Partners page.",
    ]
    db.session.get(Guest, guest.id).ended_at = utcnow()
    db.session.scalar(select(Invitation).where(Invitation.name == "Nina New")).revoked_at = utcnow()
    db.session.commit()
    erase_account(sponsor, actor=None, via="admin")
    assert db.session.get(Guest, guest.id).sponsor.name == "Former member"


def test_a_sponsor_of_many_guests_sees_the_first_few_by_name_and_how_many_more(
    app, make_user, secretariat
):
    """The erasure page lists each pending request's blockers: 58 guests at N=10 were 58 lines."""
    sponsor = make_user("member", email="busy@example.org", name="Busy Sponsor")
    for letter in "GFEDCBA":
        make_guest(f"{letter}guest Partner", sponsor, [])
    db.session.add_all(invitation(f"i{n}@ngo.example", f"Invited {n}", sponsor) for n in range(6))
    db.session.commit()
    with pytest.raises(ErasureRefused) as refused:
        erase_account(sponsor, actor=None, via="admin")
    named = [blocker.split(" (")[0] for blocker in refused.value.blockers]
    assert named == [
        *(f"Sponsor of the guest {letter}guest Partner" for letter in "ABCDE"),
        "Sponsor of 2 more guests: end their access on the Partners page or ask the "
        "secretariat to take them over.",
        *(f"Sponsor of the pending invitation of Invited {n}" for n in range(5)),
        "Sponsor of 1 more pending invitation, listed on the Partners page: revoke each there.",
    ]
