"""The secretariat gives a meeting to a sub-group by typing a word of its name, with and
without JavaScript; the form never lists every sub-group."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from intranet.platform.demo import demo_email
from tests.e2e.conftest import JOURNEY_SECONDS, PASSWORD
from tests.e2e.journeys import signed_in, unique

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(JOURNEY_SECONDS, func_only=True)]

SECRETARIAT_EMAIL = demo_email("secretariat")
GROUP = "Sub-group: Victim assistance and rehabilitation"  # a demo sub-group


def a_weekday_ahead() -> date:
    day = date.today() + timedelta(days=75)
    return day + timedelta(days=(2 - day.weekday()) % 7)  # a Wednesday


@pytest.mark.parametrize("javascript", [True, False])
def test_a_meeting_is_given_to_a_sub_group_found_by_a_word(new_page, javascript):
    page = signed_in(new_page, SECRETARIAT_EMAIL, PASSWORD, java_script_enabled=javascript)
    title = unique("Working meeting on victim assistance")
    day = a_weekday_ahead()
    page.goto("/meetings/new")
    owner = page.get_by_role("group", name="Owned by")
    expect(owner.get_by_label("The task force")).to_be_checked()
    expect(owner.get_by_label(GROUP)).to_have_count(0)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Starts").fill(f"{day}T10:00")
    page.get_by_label("Ends").fill(f"{day}T12:00")
    page.get_by_label("Time zone").select_option("Europe/Riga")
    owner.get_by_label("Find a sub-group by name").fill("victim")
    if not javascript:  # "Find" sends the form back with the matches, saving nothing
        owner.get_by_role("button", name="Find a sub-group").click()
        expect(page.get_by_label("Title")).to_have_value(title)
    owner.get_by_label(GROUP).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Meeting created.")
    page.get_by_role("link", name="Edit the meeting").click()
    expect(page.get_by_role("group", name="Owned by").get_by_label(GROUP)).to_be_checked()
