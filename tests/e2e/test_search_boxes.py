"""Search boxes answer what was typed even when the typing came before the page's scripts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import MEMBER_EMAIL, PASSWORD
from tests.e2e.journeys import signed_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("path", "box", "word", "results", "found"),
    [
        # The box asks by itself (the picker macro, the directory and the global search).
        ("/search", "Search the intranet", "Kjaergaard", "#search-results", "Mette Kjaergaard"),
        # The box's filter form asks (lessons, the admin's accounts).
        ("/lessons/", "Search lessons", "Kjaergaard", "#lesson-results", "No lesson matches"),
    ],
)
def test_words_typed_before_htmx_arrived_are_still_searched(
    new_page, path, box, word, results, found
):
    """On a slow line a search box can be filled before htmx listens to it; its results must
    not wait for another key (CI's PostgreSQL pass once met this on the invitation picker)."""
    page = signed_in(new_page, MEMBER_EMAIL, PASSWORD)
    held = []
    page.route(re.compile(r"/static/vendor/htmx\.min\.js"), lambda route: held.append(route))
    page.goto(path, wait_until="commit")
    page.get_by_label(box).fill(word)
    assert held, "the page asked for htmx"
    held[0].continue_()
    expect(page).to_have_url(re.compile(rf"{re.escape(path)}\?q={word}$"))
    expect(page.locator(results)).to_contain_text(found)
