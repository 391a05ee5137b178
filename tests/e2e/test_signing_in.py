"""Signing in and out in a real browser, with and without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_EMAIL, MEMBER_EMAIL, PASSWORD
from tests.e2e.journeys import header_nav, sign_in, sign_out

pytestmark = pytest.mark.e2e


def signs_in_and_out(page):
    sign_in(page, ADMIN_EMAIL, PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text("Alex Administrator")
    expect(header_nav(page).get_by_role("link", name="Admin", exact=True)).to_be_visible()
    sign_out(page)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))


def test_admin_signs_in_and_out(page):
    signs_in_and_out(page)


def test_admin_signs_in_and_out_without_javascript(new_page):
    signs_in_and_out(new_page(java_script_enabled=False))


def test_wrong_password_shows_the_error_at_the_field_and_keeps_the_email(page):
    sign_in(page, MEMBER_EMAIL, "not the demo password")
    password = page.get_by_label("Password", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description("The email address or password is not correct.")
    expect(page.locator("#password-error")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value(MEMBER_EMAIL)
    expect(password).to_have_value("")
    expect(page.get_by_role("banner")).not_to_contain_text("Sign out")
