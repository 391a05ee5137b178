"""Action item owners and invitees are chosen with the people picker, not from a list of every
account."""

from __future__ import annotations

from sqlalchemy import func, select

from intranet.extensions import db
from intranet_meetings.models import ActionItem, Participant


def test_the_owner_is_found_by_name_without_javascript_and_saved(
    client, secretariat, make_user, make_meeting
):
    meeting = make_meeting()
    owner = make_user(name="Aino Virtanen")
    make_user(name="Someone Unlisted")
    client.login(secretariat.email)
    url = f"/meetings/{meeting.id}/actions/new"

    page = client.get(url).get_data(as_text=True)
    assert "Someone Unlisted" not in page and "Aino Virtanen" not in page
    assert "<select" not in page.split('id="owner_user-picker"')[1].split("</fieldset>")[0]

    typed = {"title": "Report back", "owner_user_q": "virt", "owner_user_search": "1"}
    found = client.submit(url, typed).get_data(as_text=True)
    assert f'name="owner_user" value="{owner.id}"' in found
    assert "Someone Unlisted" not in found
    assert 'value="Report back"' in found  # nothing typed is lost
    assert db.session.scalar(select(func.count(ActionItem.id))) == 0

    saved = client.submit(url, {"title": "Report back", "owner_user": str(owner.id)})
    assert saved.status_code == 303
    assert db.session.scalar(select(ActionItem.owner_user_id)) == owner.id
    edit = client.get(f"/meetings/actions/{db.session.scalar(select(ActionItem.id))}/edit")
    assert f'name="owner_user" value="{owner.id}" checked' in edit.get_data(as_text=True)


def test_individuals_are_found_by_name_and_only_granted_guests_are_invited(
    client, secretariat, make_user, make_meeting, grant_meeting
):
    meeting = make_meeting()
    anna = make_user(name="Anna Berzina")
    partner = make_user("guest", name="Partner Granted")
    closed = make_meeting(title="Closed meeting")
    grant_meeting(meeting)
    client.login(secretariat.email)
    url = f"/meetings/{meeting.id}/invite"

    page = client.get(url).get_data(as_text=True)
    assert "Anna Berzina" not in page and "Partner Granted" not in page
    found = client.submit(url, {"members_q": "berz", "members_search": "1"}).get_data(as_text=True)
    assert f'type="checkbox" name="members" value="{anna.id}"' in found
    client.submit(url, {"members": [str(anna.id), str(partner.id)]})
    client.submit(f"/meetings/{closed.id}/invite", {"members": [str(partner.id)]})
    invited = set(db.session.execute(select(Participant.meeting_id, Participant.user_id)))
    assert invited == {(meeting.id, anna.id), (meeting.id, partner.id)}
