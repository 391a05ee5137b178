"""Inviting audiences: all members, a delegation, several sub-groups, individuals and granted
guests in one form, with the number of people counted before anyone is invited."""

from __future__ import annotations

from icalendar import Calendar
from sqlalchemy import select

from intranet.extensions import db
from intranet.plugin_api import ResourceRef, notify_event
from intranet_meetings.models import FeedToken, Participant, Series
from intranet_meetings.services import token_digest


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


def test_a_member_who_joins_later_is_invited_and_one_who_leaves_is_removed(
    client, secretariat, make_user, make_meeting, outbox
):
    meeting = make_meeting()
    client.login(secretariat.email)
    client.submit(f"/meetings/{meeting.id}/invite", {"everyone": "y"})
    newcomer = make_user("member", email="new@example.org")
    notify_event("intranet_user_created", user=newcomer)
    assert newcomer.id in invited()
    assert any(message["To"] == "new@example.org" for message in outbox())
    # ... and finds the meeting in their calendar feed from the first day
    db.session.add(FeedToken(user_id=newcomer.id, token_hash=token_digest("newcomer-feed")))
    db.session.commit()
    feed = Calendar.from_ical(client.get("/calendar/newcomer-feed.ics").data)
    assert [str(event["SUMMARY"]) for event in feed.walk("VEVENT")] == [meeting.title]
    newcomer.is_active_account = False
    db.session.commit()
    notify_event("intranet_user_deactivated", user=newcomer)
    assert newcomer.id not in invited()


def test_a_meeting_not_for_all_members_does_not_invite_newcomers(
    client, secretariat, make_user, make_meeting
):
    meeting = make_meeting()
    client.login(secretariat.email)
    client.submit(f"/meetings/{meeting.id}/invite", {"members": [str(secretariat.id)]})
    newcomer = make_user("member")
    notify_event("intranet_user_created", user=newcomer)
    assert newcomer.id not in invited()


def test_a_guest_granted_a_meeting_is_a_participant(make_user, make_meeting, grant):
    meeting = make_meeting()
    series_meeting = make_meeting(title="Series call", series=Series(title="Calls"))
    guest = make_user("guest", email="partner@example.org")
    grant(guest, "meetings.meeting", meeting.id)
    notify_event(
        "intranet_guest_grants_changed",
        guest=guest,
        granted=[
            ResourceRef("meetings.meeting", meeting.id),
            ResourceRef("meetings.series", series_meeting.series_id),
        ],
    )
    assert invited() == {guest.id}
    assert set(db.session.scalars(select(Participant.meeting_id))) == {
        meeting.id,
        series_meeting.id,
    }
    notify_event(
        "intranet_guest_grants_changed",
        guest=guest,
        granted=[ResourceRef("meetings.series", series_meeting.series_id)],
    )
    assert set(db.session.scalars(select(Participant.meeting_id))) == {series_meeting.id}


def test_a_member_who_joins_an_invited_delegation_is_invited(
    client, secretariat, make_user, make_meeting
):
    meeting = make_meeting()
    client.login(secretariat.email)
    client.submit(f"/meetings/{meeting.id}/invite", {"delegation": "lv"})
    latvian = make_user("member", country_code="LV")
    swede = make_user("member", country_code="SE")
    for user in (latvian, swede):
        notify_event("intranet_user_created", user=user)
    assert latvian.id in invited() and swede.id not in invited()
