"""Keyboard only: skip to the content, sign in, search, open a member, and always see the focus."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import MEMBER_EMAIL, PASSWORD
from tests.e2e.journeys import settled

pytestmark = pytest.mark.e2e

MAX_TABS = 60

FOCUSED = """
() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {
    description: `${element.tagName.toLowerCase()} ${element.id || element.getAttribute("href")
      || element.getAttribute("name") || ""} "${(element.innerText || "").trim().slice(0, 40)}"`,
    id: element.id,
    text: (element.innerText || "").trim(),
    href: element.getAttribute("href") || "",
    outline: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
    boxShadow: style.boxShadow,
    onScreen: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0
      && box.left < window.innerWidth,
  };
}
"""


def _focused(page) -> dict:
    return page.evaluate(FOCUSED)


def _assert_focus_visible(focused: dict) -> None:
    ring = focused["outline"] >= 2 or focused["boxShadow"] != "none"
    assert ring, f"no visible focus ring on {focused['description']}"
    assert focused["onScreen"], f"the focused {focused['description']} is off screen"


def tab_to(page, matches) -> dict:
    """Press Tab until ``matches(focused)``; every element passed on the way shows its focus.

    The page is loaded first, stylesheet included: on a busy machine a Tab pressed as soon as
    the address changed could focus the skip link before its focus style applied."""
    page.wait_for_load_state("load")
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = _focused(page)
        _assert_focus_visible(focused)
        if matches(focused):
            return focused
    raise AssertionError(f"no matching element within {MAX_TABS} presses of Tab")


def test_a_member_signs_in_searches_and_opens_a_member_with_the_keyboard_only(page):
    page.goto("/login")

    skip = tab_to(page, lambda focused: True)
    assert skip["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "main"

    tab_to(page, lambda focused: focused["id"] == "email")
    page.keyboard.type(MEMBER_EMAIL)
    tab_to(page, lambda focused: focused["id"] == "password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    # The dashboard's cards arrive by htmx after the page; they must not take the focus.
    settled(page)

    tab_to(page, lambda focused: focused["text"] == "Search")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search$"))
    tab_to(page, lambda focused: focused["id"] == "search-q")
    page.keyboard.type("Kjaergaard")
    # Enter sends the form: a new page, on which the tabbing starts again from the top. (The
    # results typing brought by htmx are already there, so wait for the page, not for them.)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=Kjaergaard$"))
    expect(page.locator("#search-results")).to_contain_text("Mette Kjaergaard")

    tab_to(page, lambda focused: re.search(r"/members/\d+$", focused["href"]) is not None)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/members/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mette Kjaergaard")
