"""The partners plugin's scale data: guests, invitations in every state, grants that resolve."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from intranet.extensions import db
from intranet.models import User, utcnow
from intranet.platform.scale import create_scale_data
from intranet_meetings.models import Meeting
from intranet_partners.models import Grant, Guest, Invitation
from intranet_partners.settings import add_months
from intranet_subgroups.models import SubGroup
from tests.conftest import PASSWORD


def test_scale_partners_are_consistent(app: Any) -> None:
    people = create_scale_data(0.01, PASSWORD)
    guests = db.session.scalars(select(Guest)).all()
    scale_guests = [guest for guest in guests if guest.user_id in set(people.guests)]
    assert len(scale_guests) == 3
    assert all(guest.user.role == "guest" for guest in scale_guests)
    latest = add_months(utcnow().date(), 24)
    assert all(guest.access_ends_on <= latest for guest in guests)

    invitations = db.session.scalars(select(Invitation)).all()
    assert {invitation.state for invitation in invitations} >= {"accepted", "pending"}
    assert all(invitation.access_ends_on <= latest for invitation in invitations)
    accepted = {i.guest_id for i in invitations if i.state == "accepted"}
    assert {guest.user_id for guest in scale_guests} <= accepted

    grants = db.session.scalars(select(Grant)).all()
    assert grants
    tables = {"subgroups.group": SubGroup, "meetings.meeting": Meeting}
    for grant in grants:
        assert db.session.get(tables[grant.resource_kind], grant.resource_id) is not None
        assert db.session.get(User, grant.guest_id).role == "guest"
