"""Steps the journeys share: what a person does on the sign-in page and in the header."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect


def sign_in(page: Any, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")


def header_nav(page: Any) -> Any:
    return page.get_by_role("navigation", name="Main")
