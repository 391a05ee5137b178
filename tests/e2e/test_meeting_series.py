"""The secretariat changes one call of a recurring series, with and without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_EMAIL, PASSWORD
from tests.e2e.journeys import sign_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("javascript", "which"), [(True, 0), (False, 1)])
def test_one_occurrence_is_moved_online_and_then_cancelled(new_page, javascript, which):
    page = new_page(java_script_enabled=javascript)
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, ADMIN_EMAIL, PASSWORD)
    page.goto("/meetings/")
    page.get_by_role("link", name="Online coordination call").click()
    upcoming = page.locator("ul.occurrences > li")
    expect(upcoming.filter(has_text="Cancelled").first).to_be_visible()  # as the demo has it
    unchanged = upcoming.filter(has_not=page.locator(".badge")).nth(which).get_by_role("link")
    unchanged.click()
    expect(page).to_have_url(re.compile(r"/occurrences/\d{4}-\d{2}-\d{2}$"))
    day = page.url.rsplit("/", 1)[1]
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"on {day}")

    page.get_by_role("link", name="Edit this occurrence only").click()
    page.get_by_label("Online link").fill("not a link")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Enter a full https:// address.")).to_be_visible()
    expect(page.get_by_label("Online link")).to_have_value("not a link")
    page.get_by_label("Online link").fill("https://meet.example.org/extra")
    expect(page.get_by_label("This occurrence only")).to_be_checked()
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(f"/occurrences/{day}$"))
    expect(page.get_by_role("status")).to_contain_text("the rest of the series is unchanged")
    expect(page.locator(".occurrence-note")).to_contain_text("online link")
    expect(page.get_by_role("link", name="https://meet.example.org/extra")).to_be_visible()

    page.get_by_role("button", name="Cancel this occurrence only").click()
    status = page.locator(".meeting-facts > dd").nth(1)  # after the kind
    expect(status).to_have_text("Cancelled")
    page.get_by_role("link", name="The whole series", exact=True).click()
    expect(status).to_have_text("Confirmed")
    assert problems == []
