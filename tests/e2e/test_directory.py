"""Finding people in the directory: the address follows the search, the back button undoes it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import JOURNEY_SECONDS, MEMBER_EMAIL, PASSWORD
from tests.e2e.journeys import signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(JOURNEY_SECONDS, func_only=True)]


def results(page):
    return page.locator("#directory-results")


def test_active_search_and_filters_follow_the_address_and_the_back_button(new_page):
    page = signed_in(new_page, MEMBER_EMAIL, PASSWORD)
    page.goto("/directory")
    expect(results(page)).to_contain_text("Erik Johansson")
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_label("Search").fill("ozola")
    expect(page).to_have_url(re.compile(r"/directory\?.*q=ozola"))
    expect(results(page)).to_contain_text("1 person")
    expect(results(page)).to_contain_text("Ilze Ozola")
    expect(results(page)).not_to_contain_text("Erik Johansson")
    # Leaving the search box must not add the same search to the history a second time.
    page.keyboard.press("Tab")
    expect(page.get_by_label("Country")).to_be_focused()

    page.get_by_label("Search").fill("")
    expect(page).to_have_url(re.compile(r"/directory\?q=&"))
    expect(results(page)).to_contain_text("Erik Johansson")
    page.get_by_label("Country").select_option(label="Denmark")
    expect(page).to_have_url(re.compile(r"/directory\?q=&country=DK"))
    expect(results(page)).to_contain_text("Mette Kjaergaard")
    expect(results(page)).not_to_contain_text("Erik Johansson")
    countries = results(page).locator("tbody td:nth-child(3)").all_inner_texts()
    assert set(countries) == {"Denmark"}
    assert page.evaluate("window.stillTheSamePage") is True

    page.go_back()
    expect(page).to_have_url(re.compile(r"/directory\?q=&country=&"))
    expect(results(page)).to_contain_text("Erik Johansson")
    expect(page.get_by_label("Country")).to_have_value("")

    page.go_back()
    expect(page).to_have_url(re.compile(r"/directory\?q=ozola"))
    expect(results(page)).to_contain_text("Ilze Ozola")
    expect(results(page)).not_to_contain_text("Erik Johansson")
    expect(page.get_by_label("Search")).to_have_value("ozola")

    page.go_back()
    expect(page).to_have_url(re.compile(r"/directory$"))
    expect(results(page)).to_contain_text("Erik Johansson")

    # A pushed address is a page of its own: opened afresh it shows the same search.
    page.goto("/directory?country=DK")
    expect(page.get_by_role("heading", name="Directory")).to_be_visible()
    expect(page.get_by_label("Country")).to_have_value("DK")
    expect(results(page)).to_contain_text("Mette Kjaergaard")


def test_search_and_filters_work_without_javascript(new_page):
    page = signed_in(new_page, MEMBER_EMAIL, PASSWORD, java_script_enabled=False)
    page.goto("/directory")
    page.get_by_label("Search").fill("ozola")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"/directory\?.*q=ozola"))
    expect(results(page)).to_contain_text("Ilze Ozola")
    expect(results(page)).not_to_contain_text("Erik Johansson")
    expect(page.get_by_label("Search")).to_have_value("ozola")

    page.get_by_label("Search").fill("")
    page.get_by_label("Country").select_option(label="Denmark")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"/directory\?.*country=DK"))
    expect(results(page)).to_contain_text("Mette Kjaergaard")
    expect(results(page)).not_to_contain_text("Ilze Ozola")

    page.go_back()
    expect(page).to_have_url(re.compile(r"/directory\?.*q=ozola"))
    expect(results(page)).to_contain_text("Ilze Ozola")

    page.goto("/directory")
    expect(results(page)).to_contain_text("page 1 of")
    page.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"/directory\?.*page=2"))
    expect(results(page)).to_contain_text("page 2 of")
