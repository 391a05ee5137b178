"""Creating a sub-group, warned about similar existing work while writing its name and mandate."""

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
SIMILAR_DEMO_GROUP = "Labour exploitation in the Baltic Sea Region"
MANDATE = "Forced labour of seasonal workers in agriculture and construction: inspections."


def similar_work(page):
    return page.locator("#similar-work")


def fill_dates_and_create(page, name):
    page.get_by_label("Start date").fill(str(date.today() - timedelta(days=30)))
    page.get_by_label("End date").fill(str(date.today() + timedelta(days=365)))
    page.get_by_role("button", name="Create the sub-group").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page.get_by_role("status")).to_contain_text("The sub-group is active.")
    expect(page).to_have_url(re.compile(r"/subgroups/\d+$"))


def test_suggestions_of_similar_work_appear_while_typing(new_page):
    page = signed_in(new_page, SECRETARIAT_EMAIL, PASSWORD)
    page.goto("/subgroups/propose")
    expect(page.get_by_text("appear here while you write")).to_be_visible()
    name = unique("Seasonal labour exploitation")

    page.get_by_label("Name", exact=True).press_sequentially(name, delay=20)
    page.get_by_label("Mandate").press_sequentially(MANDATE, delay=5)
    expect(similar_work(page)).to_contain_text("Similar existing work")
    suggestion = similar_work(page).get_by_role("link", name=SIMILAR_DEMO_GROUP)
    expect(suggestion).to_be_visible()
    expect(suggestion).to_have_attribute("href", re.compile(r"/subgroups/\d+$"))
    expect(similar_work(page)).to_contain_text("% similar")

    fill_dates_and_create(page, name)
    page.goto("/subgroups/")
    expect(page.get_by_role("link", name=name)).to_be_visible()


def test_create_a_sub_group_without_javascript(new_page):
    page = signed_in(new_page, SECRETARIAT_EMAIL, PASSWORD, java_script_enabled=False)
    page.goto("/subgroups/propose")
    name = unique("Seasonal labour exploitation")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Mandate").fill(MANDATE)

    page.get_by_role("button", name="Check for similar work").click()
    expect(page).to_have_url(re.compile(r"/subgroups/propose\?.*#similar-work$"))
    expect(page).not_to_have_url(re.compile("csrf"))
    expect(similar_work(page).get_by_role("link", name=SIMILAR_DEMO_GROUP)).to_be_visible()
    expect(page.get_by_label("Name", exact=True)).to_have_value(name)
    expect(page.get_by_label("Mandate")).to_have_value(MANDATE)

    page.get_by_role("button", name="Create the sub-group").click()
    expect(page.get_by_label("Start date")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Name", exact=True)).to_have_value(name)

    fill_dates_and_create(page, name)
