"""Steps the journeys share: what a person does on the sign-in page and in the header."""

from __future__ import annotations

import re
import time
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


# htmx marks each step of a request with a class while it runs it: the dashboard's cards arrive
# by htmx after the page.
HTMX_BUSY = "() => !!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
SETTLE_SECONDS = 30


def settled(page: Any) -> None:
    """Wait until the page has loaded (style sheets applied) and htmx has no request, swap or
    settle under way: half a second sooner a page than waiting for the network to stay idle.
    Polled from here, not with `wait_for_function`, whose polling never runs in a page opened
    without JavaScript."""
    page.wait_for_load_state("load")
    deadline = time.monotonic() + SETTLE_SECONDS
    while page.evaluate(HTMX_BUSY):
        assert time.monotonic() < deadline, f"htmx still busy on {page.url}"
        page.wait_for_timeout(20)


def unique(text: str) -> str:
    """`text` with a short random suffix: each journey makes its own data, in any order."""
    return f"{text} {uuid.uuid4().hex[:6]}"
