"""Input that could break pages for everyone is refused next to its field, and what is stored
anyway (by an older version, or directly in the database) never breaks a page: repeat rules,
dates far away, calendar text, integers in addresses."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select, update

from intranet.extensions import db
from intranet.models import utcnow
from intranet_meetings.models import ActionItem, FeedToken, Meeting, Participant
from intranet_meetings.services import token_digest

NEW = {
    "title": "Plenary in Tallinn",
    "kind": "plenary",
    "start": "2030-05-06T09:30",
    "end": "2030-05-06T17:00",
    "timezone": "Europe/Tallinn",
    "status": "planned",
}
HOSTILE = "FREQ=SECONDLY;UNTIL=20991231T000000"
FEED = "a-secret-feed-token"


def refused(response, message: str) -> str:
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    return html


@pytest.mark.parametrize("frequency", ["secondly", "minutely", "hourly"])
def test_a_meeting_repeats_at_most_daily(client, secretariat, frequency):
    client.login(secretariat.email)
    response = client.submit("/meetings/new", {**NEW, "repeats": frequency, "count": "3"})
    refused(response, "Not a valid choice")
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ({"repeats": "daily", "count": "201"}, "between 1 and 200"),
        ({"repeats": "daily", "ends": "until", "until": "2099-12-31"}, "more than 200 meetings"),
        ({"repeats": "yearly", "count": "150"}, "ends by 2100 at the latest"),
    ],
)
def test_a_series_has_at_most_200_occurrences_ending_by_2100(client, secretariat, choices, message):
    client.login(secretariat.email)
    response = client.submit("/meetings/new", {**NEW, "ends": "count", **choices})
    refused(response, message)
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


@pytest.fixture
def hostile(make_meeting, make_user):
    """A series stored with a per-second rule until 2099, as an older version accepted; two
    invitees with a calendar feed."""
    meeting = make_meeting(title="Hostile series", start=datetime(2030, 1, 7, 10))
    db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id)
        .values(rrule=HOSTILE, last_end_at=datetime(2099, 12, 31, tzinfo=UTC))
    )
    invitees = [make_user("member"), make_user("secretariat")]
    for n, person in enumerate(invitees):
        db.session.add(Participant(meeting_id=meeting.id, user_id=person.id))
        db.session.add(FeedToken(user_id=person.id, token_hash=token_digest(f"{FEED}-{n}")))
    db.session.commit()
    db.session.expire_all()
    return meeting, invitees


def test_a_stored_hostile_rule_leaves_every_page_quick(client, hostile):
    meeting, invitees = hostile
    client.login(invitees[0].email)
    for n, url in enumerate(
        [
            "/meetings/",
            "/",
            "/meetings/next",
            f"/meetings/{meeting.id}",
            f"/meetings/{meeting.id}.ics",
            f"/calendar/{FEED}-0.ics",
            f"/calendar/{FEED}-1.ics",
        ]
    ):
        started = time.monotonic()
        response = client.get(url)
        assert response.status_code == 200, url
        assert time.monotonic() - started < 2, url
        if n == 0:
            assert "Hostile series" in response.get_data(as_text=True)
    (event,) = Calendar.from_ical(client.get(f"/meetings/{meeting.id}.ics").get_data()).walk(
        "VEVENT"
    )
    assert "rrule" not in event  # the calendar shows what the pages show: the first one


def test_a_stored_long_rule_is_expanded_only_to_the_cap(client, member, make_meeting):
    meeting = make_meeting(title="Daily call", start=datetime(2030, 1, 7, 10))
    db.session.execute(
        update(Meeting).where(Meeting.id == meeting.id).values(rrule="FREQ=DAILY;UNTIL=20991231")
    )
    db.session.commit()
    client.login(member.email)
    assert client.get(f"/meetings/{meeting.id}").status_code == 200
    assert client.get(f"/meetings/{meeting.id}/occurrences/2030-07-25").status_code == 200
    assert client.get(f"/meetings/{meeting.id}/occurrences/2030-07-26").status_code == 404
    (event,) = Calendar.from_ical(client.get(f"/meetings/{meeting.id}.ics").get_data()).walk(
        "VEVENT"
    )
    assert event["rrule"]["COUNT"] == [200] and "UNTIL" not in event["rrule"]


FAR = ["9999-12-31T10:00", "0001-01-01T10:00"]


@pytest.mark.parametrize("moment", FAR)
@pytest.mark.parametrize("field", ["start", "end"])
def test_far_dates_of_a_meeting_are_refused_next_to_the_field(client, secretariat, moment, field):
    client.login(secretariat.email)
    change = {field: moment}
    if field == "start":
        change |= {"repeats": "weekly", "count": "3"}
    response = client.submit("/meetings/new", {**NEW, **change})
    refused(response, "Enter a date between 1900 and 2100")
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_far_skipped_dates_are_refused_next_to_the_field(client, secretariat, day):
    client.login(secretariat.email)
    data = {**NEW, "repeats": "weekly", "count": "3", "exdates": day}
    refused(client.submit("/meetings/new", data), "enter dates between 1900 and 2100")


@pytest.mark.parametrize("moment", FAR)
def test_far_dates_of_an_occurrence_are_refused_next_to_the_field(
    client, secretariat, make_meeting, moment
):
    meeting = make_meeting(start=datetime(2030, 3, 19, 10), rrule="FREQ=WEEKLY;COUNT=4")
    client.login(secretariat.email)
    for scope in ("occurrence", "series"):
        data = {"start": moment, "end": "2030-03-26T12:00", "venue": "Riga", "scope": scope}
        response = client.submit(f"/meetings/{meeting.id}/occurrences/2030-03-26/edit", data)
        refused(response, "Enter a date between 1900 and 2100")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_far_due_dates_of_an_action_item_are_refused_next_to_the_field(
    client, secretariat, make_meeting, day
):
    meeting = make_meeting()
    client.login(secretariat.email)
    data = {"title": "Report back", "owner_country": "LV", "due_on": day}
    response = client.submit(f"/meetings/{meeting.id}/actions/new", data)
    refused(response, "Enter a date between 1900 and 2100")
    assert db.session.scalar(select(func.count(ActionItem.id))) == 0


def test_calendar_text_is_escaped_as_rfc_5545_says(client, member, make_meeting):
    title = 'Plenary, part 1; "Riga\\Tallinn"\r\nday two\rand three'
    venue = "Stenbock House, Rahukohtu 3;\nTallinn"
    meeting = make_meeting(title="Plain", start=datetime(2030, 1, 7, 10))
    db.session.execute(
        update(Meeting).where(Meeting.id == meeting.id).values(title=title, venue=venue)
    )
    db.session.commit()
    client.login(member.email)

    body = client.get(f"/meetings/{meeting.id}.ics").get_data()

    assert b"\r" not in body.replace(b"\r\n", b"")  # no bare CR, only CRLF line ends
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert str(event["summary"]) == title.replace("\r\n", "\n").replace("\r", "\n")
    assert str(event["location"]) == venue
    escaped = b'Plenary\\, part 1\\; "Riga\\\\Tallinn"\\nday two\\nand three'
    lines = body.replace(b"\r\n ", b"").split(b"\r\n")  # unfolded
    assert b"SUMMARY:" + escaped in lines
    assert b"X-WR-CALNAME:" + escaped in lines


def test_stored_skipped_dates_that_are_no_dates_leave_the_feed_working(
    client, member, make_meeting
):
    meeting = make_meeting(title="Old", start=datetime(2030, 1, 7, 10))
    db.session.add(Participant(meeting_id=meeting.id, user_id=member.id))
    db.session.add(FeedToken(user_id=member.id, token_hash=token_digest(FEED)))
    db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id)
        .values(
            exdates=["not a date", "9999-12-31"],
            rrule="FREQ=WEEKLY;COUNT=3",
            last_end_at=utcnow() + timedelta(days=30),
        )
    )
    db.session.commit()
    assert client.get(f"/calendar/{FEED}.ics").status_code == 200


HUGE = "99999999999999999999"


def test_ids_picked_from_lists_are_bounded(client, secretariat, make_meeting):
    meeting = make_meeting()
    client.login(secretariat.email)
    for change in ({"owner": f"subgroups.group:{HUGE}"}, {"series": HUGE}):
        response = client.submit("/meetings/new", {**NEW, **change})
        refused(response, "Choose one of the listed entries.")
    for owner in (HUGE, "2147483647"):
        response = client.submit(
            f"/meetings/{meeting.id}/actions/new", {"title": "Report back", "owner_user": owner}
        )
        refused(response, "Choose one of the listed")
    assert db.session.scalar(select(func.count(ActionItem.id))) == 0
    assert db.session.scalar(select(func.count(Meeting.id))) == 1


def test_digits_that_are_no_numbers_are_ignored_not_a_500(client, secretariat, make_meeting):
    meeting = make_meeting(agenda=("Opening", "Reports"))
    client.login(secretariat.email)
    attendance = client.submit(f"/meetings/{meeting.id}/attendance", {"attended": "²"})
    assert attendance.status_code == 303
    order = ",".join(str(item.id) for item in meeting.agenda_items)
    moved = client.submit(f"/meetings/{meeting.id}/agenda/order", {"order": order, "move": "²:up"})
    assert moved.status_code == 303
    response = client.submit("/meetings/new", {**NEW, "series": "²"})
    refused(response, "Choose one of the listed entries.")
