"""Calendars: valid iCalendar that round-trips, series across summer time, the personal feed."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

from dateutil.rrule import rrulestr
from icalendar import Calendar

from intranet.extensions import db
from intranet_meetings.models import Participant


def events(response):
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.get_data())
    assert str(calendar["method"]) == "PUBLISH"
    return calendar, list(calendar.walk("VEVENT"))


def test_meeting_ics_round_trips(client, member, make_meeting):
    meeting = make_meeting()
    client.login(member.email)
    calendar, (event,) = events(client.get(f"/meetings/{meeting.id}.ics"))
    assert str(event["uid"]) == f"meeting-{meeting.id}@127.0.0.1"
    assert "dtstamp" in event
    assert event["dtstart"].params["TZID"] == "Europe/Riga"
    assert event.decoded("dtstart").astimezone(UTC) == meeting.start_at
    assert event.decoded("dtend").astimezone(UTC) == meeting.end_at
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Riga"]
    assert str(event["status"]) == "CONFIRMED"
    again = client.get(f"/meetings/{meeting.id}.ics")
    assert str(Calendar.from_ical(again.get_data()).walk("VEVENT")[0]["uid"]) == str(event["uid"])


def test_a_cancelled_meeting_says_so(client, member, make_meeting):
    meeting = make_meeting(status="cancelled")
    client.login(member.email)
    _, (event,) = events(client.get(f"/meetings/{meeting.id}.ics"))
    assert str(event["status"]) == "CANCELLED"


def test_weekly_riga_series_keeps_its_local_time_across_summer_time(client, member, make_meeting):
    # Summer time starts in Riga on the last Sunday of March 2030 (the 31st).
    meeting = make_meeting(
        start=datetime(2030, 3, 19, 10, 0),
        end=datetime(2030, 3, 19, 11, 0),
        rrule="FREQ=WEEKLY;COUNT=4",
        exdates=["2030-03-26"],
    )
    client.login(member.email)
    _, (event,) = events(client.get(f"/meetings/{meeting.id}.ics"))
    assert event["rrule"]["COUNT"] == [4]
    skipped = [moment.dt for moment in event["exdate"].dts]
    assert [moment.date().isoformat() for moment in skipped] == ["2030-03-26"]
    start = event.decoded("dtstart")
    rule = rrulestr(event["rrule"].to_ical().decode(), dtstart=start.replace(tzinfo=None))
    local = [moment.replace(tzinfo=start.tzinfo) for moment in rule]
    assert [moment.strftime("%H:%M") for moment in local] == ["10:00"] * 4
    assert [moment.astimezone(UTC).hour for moment in local] == [8, 8, 7, 7]
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Tue 02 Apr 2030, 10:00 EEST" in page
    assert "Tue 26 Mar 2030" not in page.split("Next:")[1]


def test_personal_feed_lists_my_meetings_and_stops_after_a_new_address(
    client, member, make_user, make_meeting
):
    mine = make_meeting(title="My plenary")
    make_meeting(title="Not invited")
    declined = make_meeting(title="Declined")
    db.session.add_all(
        [
            Participant(meeting_id=mine.id, user_id=member.id),
            Participant(meeting_id=declined.id, user_id=member.id, response="not-attending"),
        ]
    )
    db.session.commit()
    client.login(member.email)
    assert client.submit("/meetings/calendar").status_code == 303
    page = client.get("/meetings/calendar").get_data(as_text=True)
    url = re.search(r'value="(http[^"]+\.ics)"', page).group(1)
    path = urlsplit(url).path
    assert url not in client.get("/meetings/calendar").get_data(as_text=True)  # shown once
    client.submit("/logout")
    _, found = events(client.get(path))
    assert [str(event["summary"]) for event in found] == ["My plenary"]
    client.login(member.email)
    client.submit("/meetings/calendar")
    client.submit("/logout")
    assert client.get(path).status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_feed_never_leaks_meetings_a_guest_cannot_see(client, make_user, make_meeting):
    guest = make_user("guest")
    meeting = make_meeting(title="Members only")
    db.session.add(Participant(meeting_id=meeting.id, user_id=guest.id))
    db.session.commit()
    client.login(guest.email)
    client.submit("/meetings/calendar")
    url = re.search(
        r'value="(http[^"]+\.ics)"', client.get("/meetings/calendar").get_data(as_text=True)
    ).group(1)
    _, found = events(client.get(urlsplit(url).path))
    assert found == []
