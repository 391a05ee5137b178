"""Inviting audiences: all members, a delegation, several sub-groups, individuals and granted
guests in one form, with the number of people counted before anyone is invited."""

from __future__ import annotations

from sqlalchemy import select

from intranet.extensions import db
from intranet_meetings.models import Participant


def invited():
    return set(db.session.scalars(select(Participant.user_id)))


def test_all_members_and_a_guest_are_counted_then_invited(
    client, secretariat, make_user, make_meeting, grant_meeting
):
    meeting = make_meeting()
    members = [make_user("member", country_code=code) for code in ("LV", "EE", "SE")]
    partner = make_user("guest", name="Partner From UNODC")
    make_user("guest", name="Guest Not Granted")
    grant_meeting(meeting)
    client.login(secretariat.email)
    page = client.get(f"/meetings/{meeting.id}/invite").get_data(as_text=True)
    assert "All members (4)" in page  # the three and the secretariat
    assert 'type="checkbox"' in page and "<select multiple" not in page  # no Ctrl-click
    choice = {"everyone": "y", "guests": [str(partner.id)]}
    counted = client.submit(f"/meetings/{meeting.id}/invite", {**choice, "count": "1"})
    assert counted.status_code == 200
    assert "5 people</strong> will be invited" in counted.text
    assert invited() == set()  # counting invites nobody
    fragment = client.submit(
        f"/meetings/{meeting.id}/invite",
        {**choice, "count": "1"},
        headers={"HX-Request": "true"},
    )
    assert fragment.text.startswith('<p id="invite-count"')
    response = client.submit(f"/meetings/{meeting.id}/invite", choice)
    assert response.status_code == 303
    assert invited() == {secretariat.id, partner.id, *(m.id for m in members)}
    again = client.submit(f"/meetings/{meeting.id}/invite", {"everyone": "y", "count": "1"})
    assert "0 people</strong> will be invited; 4 of those chosen are invited already" in again.text
