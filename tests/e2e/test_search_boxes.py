"""Search boxes answer what was typed even when the typing came before the page's scripts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import MEMBER_EMAIL, PASSWORD
from tests.e2e.journeys import signed_in

pytestmark = pytest.mark.e2e


def test_a_name_typed_before_htmx_arrived_is_still_searched(new_page):
    """On a slow line the search box can be filled before htmx listens to it; its first
    results must not wait for another key (this is what CI's PostgreSQL pass once met on the
    meeting's invitation picker)."""
    page = signed_in(new_page, MEMBER_EMAIL, PASSWORD)
    held = []
    page.route(re.compile(r"/static/vendor/htmx\.min\.js"), lambda route: held.append(route))
    page.goto("/search", wait_until="commit")
    page.get_by_label("Search the intranet").fill("Kjaergaard")
    expect(page.locator("#search-results")).not_to_contain_text("Mette Kjaergaard")
    page.wait_for_function("() => true")  # let the route handler run
    assert held, "the page asked for htmx"
    held[0].continue_()
    expect(page.locator("#search-results")).to_contain_text("Mette Kjaergaard")
    expect(page).to_have_url(re.compile(r"/search\?q=Kjaergaard$"))
