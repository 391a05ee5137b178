"""Scheduling as a secretariat officer does it: repeat choices instead of an RRULE, a time zone
picked from a list (or proposed by the host country), dates previewed and weekend meetings
flagged before saving; people read sentences, never the rule or a bare IANA name."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from intranet.extensions import db
from intranet_meetings.models import Meeting


@pytest.fixture(autouse=True)
def early_december_2026():
    """The dates below are written out (a December 2026 Tuesday, a Sunday, Midsummer Day 2027):
    the clock stands a few days before them, so upcoming stays upcoming whenever this runs."""
    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=ZoneInfo("UTC")), tick=True):
        yield


RIGA = {
    "title": "Plenary in Riga",
    "kind": "plenary",
    "start": "2026-12-08T10:00",  # a Tuesday
    "end": "2026-12-08T16:00",
    "timezone": "",
    "host_country": "LV",
    "venue": "CBSS Secretariat",
    "status": "planned",
    "repeats": "monthly",
    "interval": "6",
    "monthly_by": "date",
    "ends": "count",
    "count": "4",
}


def meetings() -> int:
    return db.session.scalar(select(func.count(Meeting.id)))


def text_of(html: str) -> str:
    """What a reader sees: the page without its tags and attribute values."""
    return re.sub(r"<[^>]*>", " ", html)


def test_riga_every_six_months_four_times_without_typing_a_rule(client, secretariat):
    client.login(secretariat.email)
    response = client.submit("/meetings/new", RIGA)
    assert response.status_code == 303
    meeting = db.session.scalar(select(Meeting))
    assert meeting.rrule == "FREQ=MONTHLY;INTERVAL=6;COUNT=4"
    assert meeting.timezone == "Europe/Riga"  # proposed by the host country
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Every 6 months, 4 times, until June 2028" in page
    assert "FREQ=" not in page
    assert "Europe/Riga" not in text_of(page)
    assert "Riga (UTC+2)" in page
    listing = client.get("/meetings/").get_data(as_text=True)
    assert "Every 6 months, 4 times, until June 2028" in listing and "FREQ=" not in listing


def test_weekly_on_chosen_days_and_monthly_on_the_second_tuesday(client, secretariat):
    client.login(secretariat.email)
    weekly = {**RIGA, "repeats": "weekly", "interval": "1", "weekdays": ["1", "3"]}
    assert client.submit("/meetings/new", weekly).status_code == 303
    monthly = {**RIGA, "repeats": "monthly", "interval": "1", "monthly_by": "weekday"}
    assert client.submit("/meetings/new", {**monthly, "title": "Monthly call"}).status_code == 303
    rules = dict(db.session.execute(select(Meeting.title, Meeting.rrule)).all())
    assert rules == {
        "Plenary in Riga": "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4",
        "Monthly call": "FREQ=MONTHLY;BYDAY=2TU;COUNT=4",
    }
    pages = client.get("/meetings/").get_data(as_text=True)
    assert "Weekly on Tuesday and Thursday, 4 times, until 17 December 2026" in pages
    assert "Monthly on the second Tuesday, 4 times, until 9 March 2027" in pages


def test_a_series_ending_on_a_date(client, secretariat):
    client.login(secretariat.email)
    data = {**RIGA, "repeats": "yearly", "interval": "1", "ends": "until", "until": "2028-12-31"}
    assert client.submit("/meetings/new", data).status_code == 303
    meeting = db.session.scalar(select(Meeting))
    assert meeting.rrule == "FREQ=YEARLY;UNTIL=20281231T235959"
    assert "Yearly, 3 times, until December 2028" in client.get(f"/meetings/{meeting.id}").text


def test_meetings_on_a_weekend_are_flagged_before_saving(client, secretariat):
    client.login(secretariat.email)
    # Every 4 days from Tuesday 8 December: the 12th is a Saturday, the 20th a Sunday, the 24th
    # Christmas Eve, a public holiday in Latvia (the host country).
    data = {**RIGA, "repeats": "daily", "interval": "4", "count": "5"}
    response = client.submit("/meetings/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        "3 of the meetings fall on a weekend or a public holiday: Sat 12 Dec 2026 (weekend); "
        "Sun 20 Dec 2026 (weekend); Thu 24 Dec 2026 (Christmas Eve, a public holiday)"
    ) in html
    assert 'value="Plenary in Riga"' in html  # what was typed is kept
    assert meetings() == 0
    response = client.submit("/meetings/new", {**data, "weekend_ok": "y"})
    assert response.status_code == 303
    assert meetings() == 1


def test_a_single_meeting_on_a_sunday_is_flagged_too(client, secretariat):
    client.login(secretariat.email)
    sunday = {**RIGA, "repeats": "never", "start": "2026-12-13T10:00", "end": "2026-12-13T12:00"}
    response = client.submit("/meetings/new", sunday)
    assert response.status_code == 422
    assert "1 of the meetings falls on a weekend or a public holiday: Sun 13 Dec 2026" in (
        response.text
    )
    assert meetings() == 0


def test_a_public_holiday_of_the_host_country_is_flagged_with_its_name(client, secretariat):
    client.login(secretariat.email)
    midsummer = {**RIGA, "repeats": "never", "start": "2027-06-24T10:00", "end": "2027-06-24T12:00"}
    response = client.submit("/meetings/new", midsummer)
    assert response.status_code == 422
    assert "Thu 24 Jun 2027 (Midsummer Day, a public holiday)" in response.text
    assert meetings() == 0
    in_stockholm = {**midsummer, "host_country": "SE"}  # not a holiday in Sweden that day
    response = client.submit("/meetings/new", in_stockholm)
    assert response.status_code == 303, re.findall(r"class=\"error[^>]*>([^<]*)", response.text)
    assert meetings() == 1


def test_the_dates_are_previewed_without_saving(client, secretariat):
    client.login(secretariat.email)
    response = client.submit("/meetings/new", {**RIGA, "preview": "1"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Every 6 months, 4 times, until June 2028" in html
    for day in ("Tue 08 Dec 2026", "Tue 08 Jun 2027", "Wed 08 Dec 2027", "Thu 08 Jun 2028"):
        assert day in html
    assert meetings() == 0
    # htmx asks for the dates alone as the choices change
    fragment = client.submit("/meetings/dates", RIGA, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment.text.startswith('<div id="dates-preview"')
    assert "Thu 08 Jun 2028" in fragment.text


def test_a_stored_series_is_read_as_a_sentence_and_edited_with_the_picker(
    client, secretariat, make_meeting
):
    series = make_meeting(start=datetime(2030, 3, 19, 10), end=datetime(2030, 3, 19, 12))
    series.rrule = "FREQ=WEEKLY;INTERVAL=2;COUNT=6"
    other = make_meeting(title="Hand-written", rrule="FREQ=MONTHLY;BYMONTH=3,9;COUNT=4")
    db.session.commit()
    client.login(secretariat.email)
    assert "Every 2 weeks on Tuesday, 6 times, until 28 May 2030" in client.get(
        f"/meetings/{series.id}"
    ).get_data(as_text=True)
    form = client.get(f"/meetings/{series.id}/edit").get_data(as_text=True)
    assert '<option selected value="weekly">' in form
    assert 'name="interval" type="number" value="2"' in form
    assert "FREQ=" not in form
    # A rule the picker cannot show is offered as it is, and kept on saving.
    form = client.get(f"/meetings/{other.id}/edit").get_data(as_text=True)
    assert "As now: Monthly, 4 times, until September 2031" in form and "FREQ=" not in form
    data = {
        "title": "Hand-written again",
        "kind": "plenary",
        "start": "2030-03-19T10:00",
        "end": "2030-03-19T12:00",
        "timezone": "Europe/Riga",
        "status": "confirmed",
        "repeats": "keep",
    }
    assert client.submit(f"/meetings/{other.id}/edit", data).status_code == 303
    db.session.refresh(other)
    assert other.rrule == "FREQ=MONTHLY;BYMONTH=3,9;COUNT=4"


def test_the_time_zone_select_lists_the_member_states_first_with_offsets(client, secretariat):
    client.login(secretariat.email)
    html = client.get("/meetings/new").get_data(as_text=True)
    first_group = re.search(r'<optgroup label="([^"]+)">(.*?)</optgroup>', html, re.S)
    assert first_group.group(1) == "Member states"
    labels = re.findall(r">([^<]+)</option>", first_group.group(2))
    baltic = "UTC+3" if datetime.now(ZoneInfo("Europe/Riga")).dst() else "UTC+2"  # today's offset
    assert labels[:3] == [f"Riga ({baltic})", f"Vilnius ({baltic})", f"Tallinn ({baltic})"]
    assert "Reykjavik (UTC)" in labels
    assert '<optgroup label="America">' in html and "Kolkata (UTC+5:30)" in html
    assert "Europe/Riga" not in text_of(html)


def test_a_time_zone_left_empty_without_host_country_is_the_officers_own(client, secretariat):
    secretariat.timezone = "Europe/Helsinki"
    db.session.commit()
    client.login(secretariat.email)
    data = {**RIGA, "host_country": "", "repeats": "never"}
    assert client.submit("/meetings/new", data).status_code == 303
    assert db.session.scalar(select(Meeting.timezone)) == "Europe/Helsinki"


def test_dates_of_a_series_are_skipped_by_ticking_them(client, secretariat):
    client.login(secretariat.email)
    preview = client.submit("/meetings/new", {**RIGA, "preview": "1"}).text
    assert 'type="checkbox" name="exdates" value="2027-06-08"' in preview
    skip = {**RIGA, "exdates": ["2027-06-08", "2027-12-08"]}
    assert client.submit("/meetings/new", skip).status_code == 303
    meeting = db.session.scalar(select(Meeting))
    assert meeting.exdates == ["2027-06-08", "2027-12-08"]
    form = client.get(f"/meetings/{meeting.id}/edit").text
    assert 'value="2027-06-08" id="skip-2027-06-08" checked' in form
    assert 'value="2028-06-08" id="skip-2028-06-08">' in form
    assert 'name="exdates" type="text"' not in form and "<textarea" not in form


def test_a_weekend_meeting_confirmed_once_is_not_asked_again(client, secretariat):
    client.login(secretariat.email)
    sunday = {**RIGA, "repeats": "never", "start": "2026-12-13T10:00", "end": "2026-12-13T12:00"}
    assert client.submit("/meetings/new", {**sunday, "weekend_ok": "y"}).status_code == 303
    meeting = db.session.scalar(select(Meeting))
    edited = client.submit(f"/meetings/{meeting.id}/edit", {**sunday, "venue": "Jurmala"})
    assert edited.status_code == 303
    moved = {**sunday, "start": "2026-12-20T10:00", "end": "2026-12-20T12:00"}
    assert client.submit(f"/meetings/{meeting.id}/edit", moved).status_code == 422
