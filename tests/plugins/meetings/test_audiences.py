"""Inviting audiences: all members, a delegation, several sub-groups, individuals and granted
guests in one form, with the number of people counted before anyone is invited."""

from __future__ import annotations

import pytest
from icalendar import Calendar
from sqlalchemy import select

from intranet.extensions import db
from intranet.plugin_api import GrantableResource, ResourceRef, hookimpl, notify_event
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


GROUP = ResourceRef("subgroups.group", 7)


@pytest.fixture
def sub_group(app):
    """A sub-group as the subgroups plugin offers it: its members are the list yielded."""
    people = []

    class Groups:
        @hookimpl
        def intranet_grantable_resources(self, user):
            return [GrantableResource(GROUP, "Sub-group: Guardianship")]

        @hookimpl
        def intranet_resource_members(self, resource):
            return list(people) if resource == GROUP else None

    manager = app.extensions["intranet_plugins"].pm
    manager.register(Groups(), name="groups-test")
    yield people
    manager.unregister(name="groups-test")


def test_who_joins_or_leaves_an_invited_sub_group_follows_its_upcoming_meetings(
    client, secretariat, make_user, make_meeting, sub_group, outbox
):
    first = make_user("member", name="Group Member One")
    sub_group.append(first)
    invited_whole = make_meeting(title="Guardianship workshop")
    not_invited = make_meeting(title="Other workshop")
    client.login(secretariat.email)
    client.submit(f"/meetings/{invited_whole.id}/invite", {"groups": "7"})
    assert invited() == {first.id}

    newcomer = make_user("member", name="Newcomer", email="newcomer@example.org")
    sub_group[:] = [newcomer]
    notify_event(
        "intranet_resource_members_changed", resource=GROUP, added=[newcomer], removed=[first]
    )

    participants = set(db.session.execute(select(Participant.meeting_id, Participant.user_id)))
    assert participants == {(invited_whole.id, newcomer.id)}
    assert not_invited.id not in {meeting_id for meeting_id, _ in participants}
    assert any(message["To"] == "newcomer@example.org" for message in outbox())


def test_who_leaves_the_sub_group_stays_invited_as_one_of_all_members(
    client, secretariat, make_user, make_meeting, sub_group
):
    first = make_user("member", name="Group Member One")
    sub_group.append(first)
    meeting = make_meeting()
    client.login(secretariat.email)
    client.submit(f"/meetings/{meeting.id}/invite", {"groups": "7", "everyone": "y"})

    sub_group.clear()
    notify_event("intranet_resource_members_changed", resource=GROUP, added=[], removed=[first])

    assert first.id in invited()


def test_the_count_of_all_members_follows_who_is_an_active_member(
    client, secretariat, make_user, make_meeting
):
    """Kept per worker (150,000 accounts took 41 ms to count on each form), never stale."""
    meeting = make_meeting()
    member = make_user("member")
    client.login(secretariat.email)

    def label() -> str:
        page = client.get(f"/meetings/{meeting.id}/invite").get_data(as_text=True)
        return page[page.index("All members (") :].split(")")[0] + ")"

    assert label() == "All members (2)"
    make_user("member")
    assert label() == "All members (3)"
    member.is_active_account = False
    db.session.commit()
    assert label() == "All members (2)"
    member.is_active_account = True
    member.role = "guest"
    db.session.commit()
    assert label() == "All members (2)"
    member.role = "member"
    db.session.commit()
    assert label() == "All members (3)"
