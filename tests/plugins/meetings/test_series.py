"""Recurring series: one occurrence changed or cancelled on its own, or the whole series;
calendars that say so in RFC 5545 terms; a reminder for every occurrence, once."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar
from sqlalchemy import func, select

from intranet.extensions import db
from intranet.models import utcnow
from intranet.platform.notifications import Notification
from intranet_meetings import notices
from intranet_meetings.models import OccurrenceOverride, Participant, Reminder

RIGA = ZoneInfo("Europe/Riga")


def notes(user, kind=None):
    query = select(Notification).where(Notification.user_id == user.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query.order_by(Notification.id)))


@pytest.fixture
def people(make_user, secretariat):
    return {
        "sec": secretariat,
        "anna": make_user("member", email="anna@example.org", notification_preference="immediate"),
        "ben": make_user("member", email="ben@example.org", notification_preference="none"),
        "no": make_user("member", email="no@example.org", notification_preference="immediate"),
    }


def invite(meeting, *users, response=None):
    for user in users:
        db.session.add(Participant(meeting_id=meeting.id, user_id=user.id, response=response))
    db.session.commit()


@pytest.fixture
def series(make_meeting, people):
    """Tuesdays 19 and 26 March, 2 and 9 April 2030, 10:00-12:00 Riga time (summer time from
    31 March); Anna and Ben invited, No declined."""
    meeting = make_meeting(
        title="Weekly coordination",
        start=datetime(2030, 3, 19, 10, 0),
        end=datetime(2030, 3, 19, 12, 0),
        rrule="FREQ=WEEKLY;COUNT=4",
    )
    invite(meeting, people["anna"], people["ben"])
    invite(meeting, people["no"], response="not-attending")
    return meeting


def occurrence_data(day: str, start="10:00", end="12:00", **change):
    data = {
        "start": f"{day}T{start}",
        "end": f"{day}T{end}",
        "venue": "Riga",
        "online_url": "",
        "scope": "occurrence",
    }
    return {**data, **change}


def series_data(meeting, count=4, **change):
    """The meeting form for the weekly series, `count` meetings long."""
    data = {
        "title": meeting.title,
        "kind": meeting.kind,
        "start": "2030-03-19T10:00",
        "end": "2030-03-19T12:00",
        "timezone": meeting.timezone,
        "venue": meeting.venue,
        "status": meeting.status,
        "repeats": "weekly",
        "ends": "count",
        "count": str(count),
        "exdates": "",
    }
    return {**data, **change}


def page(client, meeting, day=None):
    url = f"/meetings/{meeting.id}" + (f"/occurrences/{day}" if day else "")
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def status(html):
    return re.search(r'<dt>Status</dt><dd><span class="badge status-([a-z]+)"', html).group(1)


def overrides(meeting):
    return db.session.scalars(
        select(OccurrenceOverride)
        .where(OccurrenceOverride.meeting_id == meeting.id)
        .order_by(OccurrenceOverride.occurs_on)
    ).all()


def test_editing_one_occurrence_changes_only_that_occurrence(client, people, series, outbox):
    client.login(people["sec"].email)
    url = f"/meetings/{series.id}/occurrences/2030-03-26/edit"
    assert "This occurrence only" in client.get(url).get_data(as_text=True)
    response = client.submit(url, occurrence_data("2030-03-26", "14:00", "16:00", venue="Tallinn"))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/meetings/{series.id}/occurrences/2030-03-26"

    moved = page(client, series, "2030-03-26")
    assert "Tue 26 Mar 2030, 14:00 EET" in moved and "Tallinn" in moved
    assert "moved from Tue 26 Mar 2030, 10:00 EET" in moved
    untouched = page(client, series, "2030-04-02")
    assert "Tue 02 Apr 2030, 10:00 EEST" in untouched and "Tallinn" not in untouched
    listing = page(client, series).split("Next:")[1]
    assert "Tue 26 Mar 2030, 14:00 EET" in listing and "Changed" in listing

    (override,) = overrides(series)
    assert override.occurs_on == date(2030, 3, 26)
    assert override.venue == "Tallinn" and override.online_url is None  # the link follows
    assert override.start_at == datetime(2030, 3, 26, 14, 0, tzinfo=RIGA).astimezone(UTC)
    db.session.refresh(series)
    assert (series.venue, series.local_start.hour) == ("Riga", 10)

    (note,) = notes(people["anna"], "meetings.changed")
    assert note.title == "Changed: Weekly coordination on 2030-03-26"
    assert "Venue: Tallinn" in note.text and "New time" in note.text
    assert note.url == f"/meetings/{series.id}/occurrences/2030-03-26"
    assert len(notes(people["ben"], "meetings.changed")) == 1
    assert notes(people["no"]) == [] and notes(people["sec"]) == []
    assert [m["To"] for m in outbox()] == ["anna@example.org"]

    # Set back to what the series has, the occurrence simply follows the series again.
    assert client.submit(url, occurrence_data("2030-03-26")).status_code == 303
    assert overrides(series) == []
    assert "Venue: Riga" in notes(people["anna"], "meetings.changed")[-1].text


def test_cancelling_one_occurrence_is_an_exception_told_to_every_invitee(
    client, people, series, outbox
):
    client.login(people["sec"].email)
    url = f"/meetings/{series.id}/occurrences/2030-04-02"
    assert "Cancel this occurrence only" in page(client, series, "2030-04-02")
    assert client.submit(url + "/cancel").status_code == 303
    cancelled = page(client, series, "2030-04-02")
    assert status(cancelled) == "cancelled" and "Undo the changes" in cancelled
    assert status(page(client, series, "2030-03-26")) == "confirmed"
    assert status(page(client, series)) == "confirmed"
    (override,) = overrides(series)
    assert override.cancelled and override.start_at is None and override.venue is None
    db.session.refresh(series)
    assert series.status == "confirmed"

    (note,) = notes(people["anna"], "meetings.cancelled")
    assert note.title == "Cancelled: Weekly coordination on 2030-04-02"
    assert "Tue 02 Apr 2030, 10:00" in note.text
    assert len(notes(people["no"], "meetings.cancelled")) == 1  # declined, still told
    assert notes(people["sec"]) == []

    assert client.submit(url + "/reset").status_code == 303
    assert overrides(series) == []
    assert "Status: takes place again" in notes(people["anna"], "meetings.changed")[-1].text
    assert status(page(client, series, "2030-04-02")) == "confirmed"


def test_editing_the_whole_series_keeps_the_changes_that_still_fall_on_it(client, people, series):
    client.login(people["sec"].email)
    base = f"/meetings/{series.id}/occurrences"
    client.submit(f"{base}/2030-03-26/edit", occurrence_data("2030-03-26", "14:00", "16:00"))
    client.submit(f"{base}/2030-04-09/edit", occurrence_data("2030-04-09", venue="Tallinn"))
    edit = f"/meetings/{series.id}/edit"
    response = client.submit(edit, series_data(series, start="2030-03-19T11:00", venue="Vilnius"))
    assert response.status_code == 303
    assert "Tue 26 Mar 2030, 14:00" in page(client, series, "2030-03-26")  # its own time
    assert "Vilnius" in page(client, series, "2030-03-26")  # the venue it did not change
    ninth = page(client, series, "2030-04-09")
    assert "Tue 09 Apr 2030, 11:00" in ninth and "Tallinn" in ninth
    assert "Tue 02 Apr 2030, 11:00" in page(client, series, "2030-04-02")
    assert [o.occurs_on.day for o in overrides(series)] == [26, 9]

    # Three weeks only: the 9 April is no longer a date of the series, so its change goes.
    response = client.submit(
        edit,
        series_data(series, count=3, start="2030-03-19T11:00", venue="Vilnius"),
        follow_redirects=True,
    )
    assert "no longer meets on 2030-04-09" in response.get_data(as_text=True)
    assert [o.occurs_on for o in overrides(series)] == [date(2030, 3, 26)]
    assert client.get(f"{base}/2030-04-09").status_code == 404


def test_the_whole_series_can_be_changed_from_one_occurrence(client, people, series):
    client.login(people["sec"].email)
    base = f"/meetings/{series.id}/occurrences"
    client.submit(f"{base}/2030-03-26/edit", occurrence_data("2030-03-26", "14:00", "16:00"))
    data = occurrence_data("2030-04-02", "09:00", "10:30", venue="", scope="series")
    data["online_url"] = "https://meet.example.org/weekly"
    assert client.submit(f"{base}/2030-04-02/edit", data).status_code == 303
    db.session.refresh(series)
    assert series.local_start == datetime(2030, 3, 19, 9, 0, tzinfo=RIGA)
    assert series.end_at - series.start_at == timedelta(minutes=90)
    assert (series.venue, series.online_url) == ("", "https://meet.example.org/weekly")
    assert "Tue 09 Apr 2030, 09:00" in page(client, series, "2030-04-09")
    assert "Tue 26 Mar 2030, 14:00" in page(client, series, "2030-03-26")
    assert "meet.example.org/weekly" in page(client, series, "2030-03-26")
    assert notes(people["anna"], "meetings.changed")[-1].title == "Changed: Weekly coordination"

    # Moving the whole series to other days is the repeat rule's business, not this form's.
    moved = occurrence_data("2030-04-03", "09:00", "10:30", scope="series")
    response = client.submit(f"{base}/2030-04-02/edit", moved)
    assert response.status_code == 422
    assert "only the time of day can change" in response.get_data(as_text=True)
    db.session.refresh(series)
    assert series.local_start == datetime(2030, 3, 19, 9, 0, tzinfo=RIGA)


def test_a_date_that_is_not_in_the_series_is_refused_and_nothing_is_stored(client, people, series):
    client.login(people["sec"].email)
    stale = f"/meetings/{series.id}/occurrences/2030-03-27"  # a Wednesday
    assert client.get(stale).status_code == 404
    assert client.get(stale + "/edit").status_code == 404
    response = client.submit(stale + "/edit", occurrence_data("2030-03-27", venue="Somewhere"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The series has no meeting on 2030-03-27" in html and "Nothing was saved" in html
    assert 'value="Somewhere"' in html  # what the user typed is still there
    bad = occurrence_data("2030-03-27", "12:00", "11:00")
    assert "Nothing was saved" in client.submit(stale + "/edit", bad).get_data(as_text=True)
    assert client.submit(stale + "/cancel").status_code == 404
    assert client.get(f"/meetings/{series.id}/occurrences/not-a-date").status_code == 404

    # The occurrence was skipped by someone else while the form was open.
    skip = series_data(series, exdates="2030-04-02")
    assert client.submit(f"/meetings/{series.id}/edit", skip).status_code == 303
    late = f"/meetings/{series.id}/occurrences/2030-04-02/edit"
    assert client.submit(late, occurrence_data("2030-04-02", venue="Tallinn")).status_code == 422

    # Skipped dates must be dates of the series too.
    wrong = series_data(series, exdates="2030-04-02\n2030-04-03")
    response = client.submit(f"/meetings/{series.id}/edit", wrong)
    assert response.status_code == 422
    assert "2030-04-03: not a date of this series" in response.get_data(as_text=True)
    assert overrides(series) == []
    db.session.refresh(series)
    assert series.exdates == ["2030-04-02"]


def test_an_occurrence_form_with_bad_times_keeps_the_input(client, people, series):
    client.login(people["sec"].email)
    url = f"/meetings/{series.id}/occurrences/2030-03-26/edit"
    response = client.submit(url, occurrence_data("2030-03-26", "14:00", "13:00", venue="Tallinn"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "must end after it starts" in html and 'value="Tallinn"' in html
    assert overrides(series) == []


def test_members_see_occurrences_but_cannot_change_them(client, member, series):
    client.login(member.email)
    html = page(client, series, "2030-03-26")
    assert "One occurrence of a series" in html and "Edit this occurrence" not in html
    url = f"/meetings/{series.id}/occurrences/2030-03-26"
    assert client.get(url + "/edit").status_code == 403
    assert client.submit(url + "/cancel").status_code == 403
    assert overrides(series) == []


def ics_events(response):
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.get_data())
    zones = {str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")}
    found = list(calendar.walk("VEVENT"))
    for event in found:
        assert {"uid", "dtstamp", "dtstart", "dtend"} <= {key.lower() for key in event}
        assert event["dtstart"].params["TZID"] in zones
    return found


def check_overrides_belong_to_their_master(found):
    """RFC 5545: an override shares its master's UID, and its RECURRENCE-ID is one of the
    instances the master's RRULE and EXDATEs produce; no instance is overridden twice."""
    masters = {str(e["uid"]): e for e in found if "rrule" in e}
    seen = set()
    for event in found:
        if "recurrence-id" not in event:
            continue
        master = masters[str(event["uid"])]
        start = master.decoded("dtstart")
        rule = rrulestr(master["rrule"].to_ical().decode(), dtstart=start.replace(tzinfo=None))
        exdates = master.get("exdate", [])
        exdates = exdates if isinstance(exdates, list) else [exdates]
        skipped = {moment.dt for exdate in exdates for moment in exdate.dts}
        instances = {moment.replace(tzinfo=start.tzinfo) for moment in rule} - skipped
        recurrence_id = event.decoded("recurrence-id")
        assert recurrence_id in instances
        assert event["recurrence-id"].params["TZID"] == master["dtstart"].params["TZID"]
        key = (str(event["uid"]), recurrence_id)
        assert key not in seen
        seen.add(key)
    return seen


def test_ics_has_the_series_and_one_event_per_changed_occurrence(client, people, series):
    client.login(people["sec"].email)
    base = f"/meetings/{series.id}/occurrences"
    client.submit(
        f"{base}/2030-04-02/edit", occurrence_data("2030-04-02", "14:00", "15:00", venue="Tallinn")
    )
    client.submit(f"{base}/2030-04-09/cancel")
    client.submit(f"/meetings/{series.id}/edit", series_data(series, exdates="2030-03-26"))

    found = ics_events(client.get(f"/meetings/{series.id}.ics"))
    master, moved, cancelled = found
    assert str(master["rrule"].to_ical().decode()) == "FREQ=WEEKLY;COUNT=4"
    assert [m.dt.date() for m in master["exdate"].dts] == [date(2030, 3, 26)]
    assert str(master["status"]) == "CONFIRMED"
    assert len(check_overrides_belong_to_their_master(found)) == 2
    assert moved.decoded("recurrence-id") == datetime(2030, 4, 2, 10, 0, tzinfo=RIGA)
    assert moved.decoded("dtstart") == datetime(2030, 4, 2, 14, 0, tzinfo=RIGA)
    assert moved.decoded("dtend") == datetime(2030, 4, 2, 15, 0, tzinfo=RIGA)
    assert str(moved["location"]) == "Tallinn" and str(moved["status"]) == "CONFIRMED"
    assert str(moved["url"]).endswith(f"/meetings/{series.id}/occurrences/2030-04-02")
    assert cancelled.decoded("recurrence-id") == datetime(2030, 4, 9, 10, 0, tzinfo=RIGA)
    assert str(cancelled["status"]) == "CANCELLED"
    assert cancelled.decoded("dtstart") == cancelled.decoded("recurrence-id")

    # The personal feed carries the same events.
    invite(series, people["sec"])
    client.submit("/meetings/calendar")
    feed_page = client.get("/meetings/calendar").get_data(as_text=True)
    path = urlsplit(re.search(r'value="(http[^"]+\.ics)"', feed_page).group(1)).path
    client.submit("/logout")
    feed = ics_events(client.get(path))
    assert len(feed) == 3 and len(check_overrides_belong_to_their_master(feed)) == 2


def run_jobs(app):
    return app.test_cli_runner().invoke(args=["intranet", "run-jobs"]).output


def test_every_occurrence_gets_its_reminder_once_and_cancelled_ones_none(
    app, client, people, make_meeting, outbox
):
    """A daily series: yesterday's occurrence is over, today's is 10 hours away, then 34, 58."""
    first = (utcnow() + timedelta(hours=10) - timedelta(days=1)).replace(microsecond=0)
    daily = make_meeting(
        title="Daily stand-up",
        start=first.replace(tzinfo=None),
        end=(first + timedelta(hours=1)).replace(tzinfo=None),
        timezone="UTC",
        rrule="FREQ=DAILY;COUNT=4",
    )
    invite(daily, people["anna"], people["ben"])
    invite(daily, people["no"], response="not-attending")
    days = [(first + timedelta(days=n)).date().isoformat() for n in range(4)]

    assert "ran meetings.reminders" in run_jobs(app)
    run_jobs(app)
    (note,) = notes(people["anna"], "meetings.reminder")
    assert note.url == f"/meetings/{daily.id}/occurrences/{days[1]}"
    assert len(notes(people["ben"], "meetings.reminder")) == 1
    assert notes(people["no"]) == []

    client.login(people["sec"].email)
    client.submit(f"/meetings/{daily.id}/occurrences/{days[2]}/cancel")
    app.config["MEETINGS_REMINDER_HOURS"] = 72
    with app.test_request_context():
        assert notices.send_reminders() == 2  # the fourth, for Anna and Ben; not the third
        assert notices.send_reminders() == 0
    urls = [n.url for n in notes(people["anna"], "meetings.reminder")]
    assert urls == [f"/meetings/{daily.id}/occurrences/{day}" for day in (days[1], days[3])]

    # A new time for one occurrence deserves a new reminder, at that time.
    moved = first + timedelta(days=1, hours=1)
    data = occurrence_data(days[1], venue="Riga")
    data["start"] = moved.strftime("%Y-%m-%dT%H:%M")
    data["end"] = (moved + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    client.submit(f"/meetings/{daily.id}/occurrences/{days[1]}/edit", data)
    with app.test_request_context():
        assert notices.send_reminders() == 2
        assert notices.send_reminders() == 0
    last = notes(people["anna"], "meetings.reminder")[-1]
    assert moved.strftime("%H:%M") in last.text and last.url.endswith(days[1])
    assert db.session.scalar(select(func.count()).select_from(Reminder)) == 6


def test_no_reminders_for_a_cancelled_series(app, people, make_meeting):
    start = (utcnow() + timedelta(hours=5)).replace(microsecond=0, tzinfo=None)
    cancelled = make_meeting(
        start=start,
        end=start + timedelta(hours=1),
        timezone="UTC",
        rrule="FREQ=DAILY;COUNT=3",
        status="cancelled",
    )
    invite(cancelled, people["anna"])
    with app.test_request_context():
        assert notices.send_reminders() == 0


def test_lists_show_the_next_occurrence_as_it_will_take_place(client, people, series):
    client.login(people["sec"].email)
    base = f"/meetings/{series.id}/occurrences"
    client.submit(f"{base}/2030-03-19/edit", occurrence_data("2030-03-19", "14:00", "15:00"))
    listing = client.get("/meetings/").get_data(as_text=True)
    assert "Tue 19 Mar 2030, 14:00 EET" in listing and "next of the series" in listing
    client.submit(f"{base}/2030-03-19/cancel")
    widget = client.get("/meetings/next", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Tue 19 Mar 2030, 14:00 EET" in widget and "cancelled" in widget
