"""Erasure in the meetings plugin: answers (RSVPs) and the calendar feed go, the agenda and the
minutes no longer name the person, closed action items stay; open ones block the erasure."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from intranet.extensions import db
from intranet.platform import plugins
from intranet.privacy.erasure import ErasureRefused, erase_account
from intranet_meetings.models import ActionItem, Decision, FeedToken, Minutes, Participant
from intranet_meetings.services import token_digest
from tests.erasure_helpers import NAME, assert_forgotten, make_person

FEED_TOKEN = "feed-token-of-the-person"


@pytest.fixture
def person(make_user):
    return make_person(make_user)


@pytest.fixture
def staff(app, client, secretariat):
    client.login(secretariat.email)
    return client


@pytest.fixture
def meeting(make_meeting, person):
    meeting = make_meeting(title="Plenary in Gdansk", agenda=("Labour inspections",))
    meeting.agenda_items[0].presenter = NAME
    db.session.add_all(
        [
            Participant(meeting_id=meeting.id, user_id=person.id, response="attending"),
            Minutes(meeting_id=meeting.id, body=f"{NAME} presented the inspections."),
            Decision(meeting_id=meeting.id, text=f"{NAME} will share the checklist."),
            ActionItem(meeting_id=meeting.id, title="Share the checklist", status="done"),
            FeedToken(user_id=person.id, token_hash=token_digest(FEED_TOKEN)),
        ]
    )
    db.session.flush()
    db.session.scalar(select(ActionItem)).owner_user_id = person.id
    db.session.commit()
    return meeting


def test_meeting_pages_exports_and_feeds_forget_the_person(staff, person, meeting):
    urls = [
        f"/meetings/{meeting.id}",
        f"/meetings/{meeting.id}/participants",
        f"/meetings/{meeting.id}/participants.csv",
    ]
    assert NAME in staff.get(f"/calendar/{FEED_TOKEN}.ics").get_data(as_text=True)
    assert_forgotten(staff, person, urls)
    assert staff.get(f"/calendar/{FEED_TOKEN}.ics").status_code == 404
    page = staff.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Former member presented the inspections." in page
    assert db.session.scalar(select(ActionItem.owner_user_id)) == person.id


def test_a_disabled_plugin_still_erases_its_data(staff, person, meeting):
    plugins.set_enabled("meetings", False)
    erase_account(person, actor=None, via="admin")
    plugins.set_enabled("meetings", True)
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0
    assert db.session.scalar(select(func.count()).select_from(FeedToken)) == 0
    assert NAME not in staff.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_an_open_action_item_must_be_handed_over(staff, person, meeting):
    db.session.add(
        ActionItem(meeting_id=meeting.id, title="Translate the guide", owner_user_id=person.id)
    )
    db.session.commit()
    with pytest.raises(ErasureRefused) as refused:
        erase_account(person, actor=None, via="admin")
    assert refused.value.blockers == [
        "Owner of the open action item “Translate the guide” (Plenary in Gdansk): "
        "mark it done or dropped, or have the secretariat give it to someone else."
    ]
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 1
