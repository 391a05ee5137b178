"""Destructive buttons ask first: a dialog with JavaScript, a page of its own without; and the
settings' ordered lists move entries with buttons, with the focus kept on the moved entry."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_EMAIL, PASSWORD
from tests.e2e.journeys import settled, signed_in

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
# What sticks out on the right, to name it when the page is wider than the phone.
WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ': ' + e.textContent.slice(0, 60))"""


def test_without_javascript_disabling_a_plugin_asks_on_a_page_and_cancel_keeps_it(new_page):
    page = signed_in(new_page, ADMIN_EMAIL, PASSWORD, java_script_enabled=False, viewport=PHONE)
    page.goto("/admin/plugins")
    page.locator("#plugin-example").get_by_role("button", name="Disable example").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Disable the plugin “example” for everyone?"
    )
    page.get_by_role("link", name="Cancel").click()
    expect(page.locator("#plugin-example")).to_contain_text("Enabled")
    settled(page)  # the style sheet too: the rows are in the page before it applies
    wide = page.evaluate(WIDEST)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], wide


def test_with_javascript_cancelling_the_dialog_changes_nothing(new_page):
    page = signed_in(new_page, ADMIN_EMAIL, PASSWORD)
    page.goto("/admin/plugins")
    button = page.locator("#plugin-example").get_by_role("button", name="Disable example")
    button.click()
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("#plugin-example")).to_contain_text("Enabled")
    expect(button).to_be_focused()


@pytest.mark.parametrize("javascript", [True, False])
def test_the_rotation_order_moves_with_buttons_and_keeps_the_focus(new_page, javascript):
    page = signed_in(new_page, ADMIN_EMAIL, PASSWORD, java_script_enabled=javascript)
    page.goto("/governance/settings")
    labels = page.locator(".order-label")
    first, second = labels.nth(0).inner_text(), labels.nth(1).inner_text()
    page.get_by_role("button", name=f"Move {second} up").click()
    expect(page.get_by_text("Not saved yet")).to_be_visible()
    expect(labels.nth(0)).to_have_text(second)
    expect(labels.nth(1)).to_have_text(first)
    expect(page.get_by_role("button", name=f"Move {second} down")).to_be_focused()
    page.get_by_role("button", name=f"Move {second} down").click()  # put it back
    expect(labels.nth(0)).to_have_text(first)


def test_after_an_htmx_save_the_focus_is_on_the_saved_section_not_the_page(new_page):
    page = signed_in(new_page, ADMIN_EMAIL, PASSWORD)
    page.goto("/admin/settings/")
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("button", name="Save subgroups settings").click()
    section = page.locator("#settings-subgroups")
    expect(section.get_by_role("status")).to_have_text("Nothing changed.")
    expect(section.get_by_role("heading", level=2)).to_be_focused()
    assert page.evaluate("window.stillTheSamePage") is True
