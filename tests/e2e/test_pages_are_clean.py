"""The main pages load with no console errors, script errors or CSP violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_EMAIL, PASSWORD
from tests.e2e.journeys import settled, sign_in

pytestmark = pytest.mark.e2e

# Recorded in the page itself: Chromium reports violations as console errors too, but this event
# also catches report-only ones and names the directive.
RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""

# Chromium asks for /favicon.ico by itself; the app serves none yet, and that is not a page error.
BROWSER_OWN_REQUESTS = ("/favicon.ico",)


def test_main_pages_have_no_console_errors_or_csp_violations(page):
    problems = []

    def on_console(message):
        source = message.location["url"]
        if message.type == "error" and not source.endswith(BROWSER_OWN_REQUESTS):
            problems.append(f"console: {message.text} ({source})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.add_init_script(RECORD_CSP_VIOLATIONS)

    def visit(path):
        page.goto(path)
        settled(page)
        violations = page.evaluate("window.cspViolations")
        problems.extend(f"CSP on {path}: {violation}" for violation in violations)

    visit("/login")
    sign_in(page, ADMIN_EMAIL, PASSWORD)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    visit("/")
    expect(page.locator(".widget-body").first).to_contain_text("Signed in as")
    visit("/admin/plugins")
    visit("/account/password")
    assert problems == []
