"""Invitation and change mails carry an iCalendar invitation a mail client understands: the
attachment parses with icalendar, METHOD:REQUEST with a stable UID and a SEQUENCE that rises on
every change, METHOD:CANCEL when the meeting or one occurrence of a series is cancelled."""

from __future__ import annotations

from datetime import datetime

import pytest
from icalendar import Calendar
from sqlalchemy import select

from intranet.extensions import db
from intranet.platform.notifications import Notification
from intranet_meetings.models import Participant
from tests.plugins.meetings.test_notices import edit_data


@pytest.fixture
def anna(make_user):
    return make_user("member", email="anna@example.org", name="Anna Ozola")


def invitations(outbox, to="anna@example.org"):
    """The calendars attached to the mails to `to`, oldest first, with their content types."""
    found = []
    for message in outbox():
        if message["To"] != to:
            continue
        for part in message.iter_attachments():
            if part.get_filename() == "invite.ics":
                found.append((part.get_content_type(), part.get_param("method"), part))
    return [
        (content_type, method, Calendar.from_ical(part.get_content()))
        for content_type, method, part in found
    ]


def event_of(calendar):
    [event] = [c for c in calendar.walk("VEVENT") if "RECURRENCE-ID" not in c]
    return event


def test_an_invitation_mail_adds_the_meeting_and_a_change_updates_it(
    client, secretariat, anna, make_meeting, outbox
):
    meeting = make_meeting()
    client.login(secretariat.email)
    client.submit(f"/meetings/{meeting.id}/invite", {"members": [str(anna.id)]})
    [(content_type, method, calendar)] = invitations(outbox)
    assert (content_type, method) == ("text/calendar", "REQUEST")
    assert calendar["METHOD"] == "REQUEST"
    first = event_of(calendar)
    assert str(first["SUMMARY"]) == "Plenary in Riga"
    assert first.decoded("DTSTART").replace(tzinfo=None) == datetime(2030, 3, 19, 10, 0)
    assert str(first["DTSTART"].params["TZID"]) == "Europe/Riga"
    assert str(first["ATTENDEE"]) == "mailto:anna@example.org"
    assert str(first["ORGANIZER"]).startswith("mailto:")
    assert calendar.walk("VTIMEZONE")  # the zone travels with the invitation

    client.submit(f"/meetings/{meeting.id}/edit", edit_data(meeting, venue="Vilnius"))
    client.submit(f"/meetings/{meeting.id}/edit", edit_data(meeting, start="2030-03-19T11:00"))
    updates = invitations(outbox)[1:]
    assert [method for _, method, _ in updates] == ["REQUEST", "REQUEST"]
    second, third = (event_of(calendar) for _, _, calendar in updates)
    assert str(second["UID"]) == str(third["UID"]) == str(first["UID"])
    assert int(first["SEQUENCE"]) < int(second["SEQUENCE"]) < int(third["SEQUENCE"])
    assert str(third["LOCATION"]) == "Vilnius"


def test_a_cancellation_sends_cancel_with_the_same_uid(
    client, secretariat, anna, make_meeting, outbox
):
    meeting = make_meeting()
    db.session.add(Participant(meeting_id=meeting.id, user_id=anna.id))
    db.session.commit()
    client.login(secretariat.email)
    client.submit(f"/meetings/{meeting.id}/edit", edit_data(meeting, status="cancelled"))
    [(_, method, calendar)] = invitations(outbox)
    assert method == "CANCEL" and calendar["METHOD"] == "CANCEL"
    event = event_of(calendar)
    assert str(event["UID"]).startswith(f"meeting-{meeting.id}@")
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) >= 1


def test_a_series_is_invited_whole_and_one_occurrence_is_cancelled_alone(
    client, secretariat, anna, make_meeting, outbox
):
    series = make_meeting(rrule="FREQ=WEEKLY;COUNT=4")
    client.login(secretariat.email)
    client.submit(f"/meetings/{series.id}/invite", {"members": [str(anna.id)]})
    [(_, _, calendar)] = invitations(outbox)
    master = event_of(calendar)
    assert master["RRULE"]["COUNT"] == [4]
    client.submit(f"/meetings/{series.id}/occurrences/2030-03-26/cancel")
    [(_, method, cancel)] = invitations(outbox)[1:]
    assert method == "CANCEL"
    [event] = cancel.walk("VEVENT")
    assert str(event["UID"]) == str(master["UID"])
    assert event.decoded("RECURRENCE-ID").date().isoformat() == "2030-03-26"
    assert int(event["SEQUENCE"]) > int(master["SEQUENCE"])


def test_who_wants_no_mail_gets_no_invitation_mail_but_a_notification(
    client, secretariat, make_user, make_meeting, outbox
):
    quiet = make_user("member", email="quiet@example.org", notification_preference="none")
    meeting = make_meeting()
    client.login(secretariat.email)
    client.submit(f"/meetings/{meeting.id}/invite", {"members": [str(quiet.id)]})
    assert invitations(outbox, "quiet@example.org") == []
    [note] = db.session.scalars(select(Notification).where(Notification.user_id == quiet.id))
    assert note.kind == "meetings.invited" and note.emailed_at is None


def test_the_invitation_mail_is_also_the_notification_mail(
    client, secretariat, anna, make_meeting, outbox
):
    meeting = make_meeting()
    client.login(secretariat.email)
    client.submit(f"/meetings/{meeting.id}/invite", {"members": [str(anna.id)]})
    assert [message["To"] for message in outbox()] == ["anna@example.org"]  # one mail, not two
    [note] = db.session.scalars(select(Notification).where(Notification.user_id == anna.id))
    assert note.emailed_at is not None  # the digest does not send it again
