"""An admin opens the admin page from the menu, goes to the audit log and filters it by
person, with and without JavaScript: the log reads as sentences, not codes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_EMAIL, MEMBER_EMAIL, PASSWORD
from tests.e2e.journeys import header_nav, settled, sign_in, sign_out

pytestmark = pytest.mark.e2e


def filters_the_log_by_person(page):
    sign_in(page, MEMBER_EMAIL, PASSWORD)
    sign_out(page)
    sign_in(page, ADMIN_EMAIL, PASSWORD)
    header_nav(page).get_by_role("link", name="Admin", exact=True).click()
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()
    for group in ("People", "Content", "System"):
        expect(page.get_by_role("heading", name=group, exact=True)).to_be_visible()
    page.get_by_role("link", name="Audit log", exact=True).click()
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    settled(page)  # htmx listens for the change only once it has processed the page
    page.get_by_label("Person").select_option(label="Erik Johansson")
    if not page.evaluate("typeof htmx !== 'undefined'"):
        page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"person=\d+"))
    events = page.locator(".audit-event")
    expect(events.first).to_contain_text("Erik Johansson (member) signed out")
    for text in events.all_inner_texts():
        assert text.startswith("Erik Johansson (member) "), text
        assert "user:" not in text and "login" not in text


def test_admin_filters_the_audit_log_by_person(page):
    filters_the_log_by_person(page)


def test_admin_filters_the_audit_log_by_person_without_javascript(new_page):
    filters_the_log_by_person(new_page(java_script_enabled=False))
