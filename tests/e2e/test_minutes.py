"""The next meeting of a body approves the previous meeting's minutes under its standing item,
and starts its agenda from a copy of the previous one; both are plain forms, so the journey
runs without JavaScript."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from intranet.platform.demo import demo_email
from tests.e2e.conftest import JOURNEY_SECONDS, PASSWORD
from tests.e2e.journeys import signed_in, unique
from tests.e2e.test_meetings import add_agenda_item, agenda_titles

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(JOURNEY_SECONDS, func_only=True)]

SECRETARIAT_EMAIL = demo_email("secretariat")


def weekday_before(days: int) -> date:
    """A Tuesday to Thursday at least `days` ago: past, and never on a weekend."""
    day = date.today() - timedelta(days=days)
    while day.weekday() not in (1, 2, 3):
        day -= timedelta(days=1)
    return day


OWNER = "Sub-group: Victim assistance and rehabilitation"  # a demo sub-group


def create_sub_group_meeting(page, title: str, day: date) -> str:
    """A meeting of a demo sub-group, found by a word of its name (a body of its own,
    whatever the series); the page runs without JavaScript, so Find sends the form back."""
    page.goto("/meetings/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Kind").select_option(label="Sub-group meeting")
    page.get_by_label("Starts").fill(f"{day}T09:30")
    page.get_by_label("Ends").fill(f"{day}T16:00")
    page.get_by_label("Time zone").select_option("Europe/Riga")
    owner = page.get_by_role("group", name="Owned by")
    owner.get_by_label("Find a sub-group by name").fill("victim")
    owner.get_by_role("button", name="Find a sub-group").click()
    page.get_by_role("group", name="Owned by").get_by_label(OWNER).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Meeting created.")
    return page.url


def test_the_next_meeting_copies_the_agenda_and_approves_the_minutes(new_page):
    staff = signed_in(new_page, SECRETARIAT_EMAIL, PASSWORD, java_script_enabled=False)
    first_title, second_title = unique("Sub-group meeting I"), unique("Sub-group meeting II")
    first_url = create_sub_group_meeting(staff, first_title, weekday_before(40))
    add_agenda_item(staff, "Welcome", 10)
    add_agenda_item(staff, "Case studies", 90)
    staff.get_by_role("link", name="Write the minutes").click()
    staff.get_by_label("Minutes (Markdown)").fill("The sub-group **agreed** on its work plan.")
    staff.get_by_role("button", name="Save").click()
    expect(staff.locator("#minutes")).to_contain_text("The sub-group agreed on its work plan.")

    second_url = create_sub_group_meeting(staff, second_title, weekday_before(3))
    expect(agenda_titles(staff)).to_have_count(0)
    staff.get_by_role("button", name="Copy the agenda of the previous meeting").click()
    expect(staff.get_by_role("status")).to_contain_text(f"The agenda of “{first_title}” is copied")
    expect(agenda_titles(staff)).to_have_text(["Welcome", "Case studies"])
    expect(staff.locator("#agenda .agenda-head")).to_contain_text(["10 min", "90 min"])

    standing = staff.locator("#agenda .minutes-approval")
    expect(standing).to_contain_text(f"{first_title}")
    expect(standing).to_contain_text("(draft)")
    standing.get_by_role("button", name="Approve these minutes").click()
    expect(staff.get_by_role("status")).to_contain_text(
        f"The minutes of “{first_title}” are approved."
    )
    assert staff.url.startswith(second_url)
    expect(standing).to_contain_text(f"approved at {second_title} on ")
    expect(standing).to_contain_text("by ")
    expect(standing.get_by_role("button")).to_have_count(0)

    staff.goto(first_url)
    minutes = staff.locator("#minutes")
    expect(minutes.locator(".badge")).to_have_text("Approved")
    expect(minutes).to_contain_text(f"These minutes were approved at {second_title} on ")
    minutes.get_by_role("link", name=second_title).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(second_title)
