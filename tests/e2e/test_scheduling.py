"""The secretariat schedules next year's plenary "in Riga, every 6 months, 4 times" from the
form's choices, with and without JavaScript, never typing a rule or a zone name; members read
the series as a sentence and find its decisions in the register."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from intranet.platform.demo import demo_email
from tests.e2e.conftest import JOURNEY_SECONDS, PASSWORD
from tests.e2e.journeys import signed_in, unique

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(JOURNEY_SECONDS, func_only=True)]

SECRETARIAT_EMAIL = demo_email("secretariat")


def next_tuesday() -> date:
    day = date.today() + timedelta(days=60)
    return day + timedelta(days=(1 - day.weekday()) % 7)


@pytest.mark.parametrize("javascript", [True, False])
def test_riga_every_six_months_four_times(new_page, javascript):
    page = signed_in(new_page, SECRETARIAT_EMAIL, PASSWORD, java_script_enabled=javascript)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    title = unique("Plenary in Riga")
    first = next_tuesday()
    page.goto("/meetings/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Starts").fill(f"{first}T10:00")
    page.get_by_label("Ends").fill(f"{first}T16:00")
    page.get_by_label("Host country").select_option(label="Latvia")
    if javascript:  # the host country proposes its zone at once
        page.get_by_label("Host country").dispatch_event("change")
        expect(page.get_by_label("Time zone")).to_have_value("Europe/Riga")
        expect(page.get_by_role("group", name="On", exact=True)).to_be_hidden()
    page.get_by_label("Venue").fill("CBSS Secretariat")
    page.get_by_label("Repeats", exact=True).select_option(label="Monthly")
    page.get_by_label("Every").fill("6")
    page.get_by_label("After a number of meetings").check()
    page.get_by_label("Number of meetings", exact=True).fill("4")
    page.get_by_role("button", name="Preview the dates").click()
    preview = page.locator("#dates-preview")
    expect(preview).to_contain_text("Every 6 months, 4 times, until")
    expect(preview.locator("li")).to_have_count(4)
    expect(page.get_by_label("Title")).to_have_value(title)  # nothing lost, nothing saved
    if page.get_by_label("Keep the meetings that fall on a weekend").count():
        page.get_by_label("Keep the meetings that fall on a weekend").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Meeting created.")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    facts = page.locator(".meeting-facts")
    expect(facts).to_contain_text(re.compile(r"Every 6 months, 4 times, until \w+ \d{4}"))
    expect(facts).to_contain_text("Riga (UTC+")
    assert "FREQ=" not in page.content()
    assert "Europe/Riga" not in page.locator("main").inner_text()

    # Invite all members: counted first, then invited in one go.
    page.get_by_role("link", name="Invite", exact=True).click()
    page.get_by_label(re.compile(r"^All members \(\d+\)$")).check()
    page.get_by_role("button", name="Count who will be invited").click()
    count = page.locator("#invite-count strong")
    expect(count).to_have_text(re.compile(r"^\d+ people$"))
    people = int(count.inner_text().split()[0])
    page.get_by_role("button", name="Invite", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"{people} invited.")
    assert problems == []


def test_the_register_of_decisions_is_filtered(new_page):
    page = signed_in(new_page, demo_email("member_se"), PASSWORD)
    page.goto("/meetings/")
    page.get_by_role("link", name="Decisions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register of decisions")
    rows = page.locator("table.register tbody tr")
    expect(rows.first).to_contain_text("TF/")
    page.get_by_label("Body").select_option(label="Sub-groups")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"body=sub-groups"))
    expect(page.locator("#register")).not_to_contain_text("TF/")
