"""The secretariat prepares a meeting and invites a member, who answers and keeps the date."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from intranet.platform.demo import demo_email
from tests.e2e.conftest import JOURNEY_SECONDS, MEMBER_EMAIL, PASSWORD
from tests.e2e.journeys import signed_in, unique

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(JOURNEY_SECONDS, func_only=True)]

SECRETARIAT_EMAIL = demo_email("secretariat")
# Always three months ahead, so the meeting stays among the upcoming ones whatever today is; on
# a weekday, so that the form does not ask whether a weekend meeting is meant.
MEETING_DAY = date.today() + timedelta(days=90)
MEETING_DAY += timedelta(days=max(0, 7 - MEETING_DAY.weekday()) if MEETING_DAY.weekday() > 4 else 0)
INVITED_MEMBER = "Erik Johansson (Sweden)"  # MEMBER_EMAIL


def create_meeting(page, title: str) -> str:
    """Fill in the new-meeting form; returns the meeting's address."""
    page.goto("/meetings/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Starts").fill(f"{MEETING_DAY}T09:30")
    page.get_by_label("Ends").fill(f"{MEETING_DAY}T16:00")
    page.get_by_label("Time zone").select_option("Europe/Riga")
    page.get_by_label("Venue").fill("Riga, CBSS Secretariat")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Meeting created.")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    return page.url


def add_agenda_item(page, title: str, minutes: int) -> None:
    page.get_by_role("link", name="Add an agenda item").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Minutes").fill(str(minutes))
    page.get_by_role("button", name="Save").click()
    expect(agenda_titles(page).last).to_have_text(title)


def agenda_titles(page):
    return page.locator("#agenda ol.agenda > li .agenda-head strong")


def invite_member(page, label: str, *, javascript: bool = True) -> None:
    """Finds the member with the people picker and invites them: with JavaScript the people
    found appear as one types, without it "Find" sends the form back with them."""
    name = label.split(" (")[0]
    page.get_by_role("link", name="Invite", exact=True).click()
    page.get_by_label("Find a person by name").fill(name)
    if not javascript:
        page.get_by_role("button", name="Find", exact=True).click()
    page.get_by_label(name, exact=True).check()
    page.get_by_role("button", name="Count who will be invited").click()
    expect(page.get_by_role("status")).to_contain_text("1 person will be invited")
    expect(page.get_by_label(name, exact=True)).to_be_checked()
    page.get_by_role("button", name="Invite", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("1 invited.")


def answer(page, meeting_url: str, response: str, mode: str) -> None:
    page.goto(meeting_url)
    section = page.locator("#answer")
    section.get_by_role("radio", name=response, exact=True).check()
    section.get_by_role("radio", name=mode, exact=True).check()
    section.get_by_role("button", name="Save my answer").click()
    expect(page.get_by_role("status")).to_contain_text(f"Your answer is saved: {response.lower()}.")
    expect(section).to_contain_text(f"You answered: {response}, {mode.lower()}.")


def drag(page, source, target) -> None:
    """Drag `source` onto `target` with the mouse, as a person would (both scrolled into
    view first: the mouse only reaches what the window shows)."""
    target.scroll_into_view_if_needed()
    source.scroll_into_view_if_needed()
    start, end = source.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + 10)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 12, steps=8)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 10, steps=2)
    page.mouse.up()


def test_prepare_a_meeting_answer_the_invitation_and_download_the_ics(new_page, tmp_path: Path):
    staff = signed_in(new_page, SECRETARIAT_EMAIL, PASSWORD)
    title = unique("Plenary meeting")
    meeting_url = create_meeting(staff, title)
    for item, minutes in (("Opening", 10), ("Country updates", 60), ("Any other business", 15)):
        add_agenda_item(staff, item, minutes)
    expect(agenda_titles(staff)).to_have_text(["Opening", "Country updates", "Any other business"])

    items = staff.locator("#agenda ol.agenda > li")
    drag(staff, items.nth(2), items.nth(0))
    expect(agenda_titles(staff)).to_have_text(["Any other business", "Opening", "Country updates"])
    # The running times follow the new order (the meeting starts at 09:30).
    expect(items.nth(1).locator(".agenda-time")).to_have_text("09:45\u201309:55")
    staff.reload()
    expect(agenda_titles(staff)).to_have_text(["Any other business", "Opening", "Country updates"])

    invite_member(staff, INVITED_MEMBER)

    member = signed_in(new_page, MEMBER_EMAIL, PASSWORD)
    member.goto("/meetings/")
    member.get_by_role("link", name=title).click()
    expect(agenda_titles(member)).to_have_text(["Any other business", "Opening", "Country updates"])
    answer(member, member.url, "Attending", "Online")

    with member.expect_download() as download_info:
        member.get_by_role("link", name="Add to your calendar (.ics)").click()
    path = tmp_path / "meeting.ics"
    download_info.value.save_as(path)
    calendar = Calendar.from_ical(path.read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["SUMMARY"]) == title
    riga = ZoneInfo("Europe/Riga")
    assert event.decoded("DTSTART") == datetime.combine(MEETING_DAY, time(9, 30), riga)
    assert event.decoded("DTEND") == datetime.combine(MEETING_DAY, time(16, 0), riga)
    assert str(event["URL"]) == meeting_url


def test_reorder_the_agenda_and_answer_the_invitation_without_javascript(new_page):
    staff = signed_in(new_page, SECRETARIAT_EMAIL, PASSWORD, java_script_enabled=False)
    meeting_url = create_meeting(staff, unique("Expert workshop"))
    add_agenda_item(staff, "Welcome", 10)
    add_agenda_item(staff, "Case studies", 90)
    staff.get_by_role("button", name="move “Welcome” down").click()
    expect(agenda_titles(staff)).to_have_text(["Case studies", "Welcome"])
    invite_member(staff, INVITED_MEMBER, javascript=False)

    member = signed_in(new_page, MEMBER_EMAIL, PASSWORD, java_script_enabled=False)
    answer(member, meeting_url, "Tentative", "In person")
    answer(member, meeting_url, "Not attending", "Online")
    staff.goto(meeting_url)
    expect(staff.locator(".participants")).to_contain_text(
        re.compile(r"Erik Johansson \(Sweden\) · Not attending, online")
    )
