"""Steps the journeys share: what a person does on the sign-in page and in the header."""

from __future__ import annotations

import re
import uuid
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


def signed_in(new_page: Any, email: str, password: str, **context_options: Any) -> Any:
    """A page in a fresh browser context, signed in as `email`, on the dashboard."""
    page = new_page(**context_options)
    sign_in(page, email, password)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    settled(page)
    return page


# The page has loaded and htmx has no request, swap or settle under way (the dashboard's cards
# arrive by htmx after the page). htmx marks each step with a class as it starts it.
HTMX_AT_REST = """() => document.readyState === "complete"
    && !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling")"""


def settled(page: Any) -> None:
    """Wait until the page and the fragments htmx loads into it are all there: half a second
    sooner a page than waiting for the network to stay idle that long."""
    page.wait_for_function(HTMX_AT_REST)


def unique(text: str) -> str:
    """`text` with a short random suffix: each journey makes its own data, in any order."""
    return f"{text} {uuid.uuid4().hex[:6]}"
