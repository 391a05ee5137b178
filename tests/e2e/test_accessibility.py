"""axe-core finds no serious or critical accessibility problem on the main pages, for every role.

Each role walks its own list: the pages in its navigation, every plugin's index, and one detail
page of each kind (the admin only where it sees more than a member), reached through the first
link of that kind on its index (the demo data has them). Problems of lesser impact are printed,
not failed on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import AXE_SCRIPT, axe_violations, blocking
from tests.e2e.conftest import ADMIN_EMAIL, MEMBER_EMAIL, PASSWORD
from tests.e2e.journeys import settled, sign_in

pytestmark = pytest.mark.e2e

GUEST_EMAIL = "astrid.nilsen@demo.example"


@dataclass(frozen=True)
class FirstLink:
    """The first link matching ``pattern`` on ``index`` (a path, or the pages of a FirstLink)."""

    index: str | FirstLink
    pattern: str


SIGNED_OUT = [
    "/login",
    "/password/forgot",
    "/privacy",
    "/lessons/public",
    FirstLink("/lessons/public", r"/lessons/public/\d+$"),
]

SHARED = [
    "/",
    "/search?q=trafficking",
    "/profile",
    "/account/password",
    "/account/security",
    "/notifications",
    "/subgroups/",
    "/meetings/",
]

MEMBER = [
    *SHARED,
    "/directory",
    "/directory?country=SE",
    FirstLink("/directory", r"/members/\d+$"),
    FirstLink("/subgroups/", r"/subgroups/\d+$"),
    FirstLink("/meetings/", r"/meetings/\d+$"),
    "/delegations",
    FirstLink("/delegations", r"/delegations/[A-Z]+$"),
    "/subgroups/mine",
    "/subgroups/propose",
    FirstLink(FirstLink("/subgroups/", r"/subgroups/\d+$"), r"/subgroups/threads/\d+$"),
    "/meetings/actions",
    "/meetings/calendar",
    "/lessons/",
    FirstLink("/lessons/", r"/lessons/\d+$"),
    "/lessons/new",
    "/lessons/coverage",
    "/lessons/initiatives",
    FirstLink("/lessons/initiatives", r"/lessons/initiatives/\d+$"),
    "/lessons/initiatives/new",
    "/governance/",
    FirstLink("/governance/", r"/governance/documents/[\w-]+$"),
    "/governance/chairmanship",
    "/governance/mandate",
    "/governance/reports",
    "/privacy/export",
    "/profile/erasure",
]

# The member's pages again where an admin sees more (edit and invite controls), then admin pages.
ADMIN = [
    "/",
    FirstLink("/subgroups/", r"/subgroups/\d+$"),
    FirstLink("/meetings/", r"/meetings/\d+$"),
    FirstLink("/directory", r"/members/\d+$"),
    "/admin/",
    "/admin/plugins",
    "/admin/users",
    FirstLink("/admin/users", r"/admin/users/\d+$"),
    "/admin/users/new",
    "/admin/users/import",
    "/admin/audit",
    "/admin/countries",
    "/admin/organisations",
    "/lessons/editors",
    "/partners/",
    "/partners/invite",
    "/partners/organisations",
    FirstLink("/partners/", r"/partners/guests/\d+$"),
    "/meetings/new",
    "/meetings/decisions",
    "/meetings/calendar",
    FirstLink(FirstLink("/meetings/", r"/meetings/\d+$"), r"/meetings/\d+/participants$"),
    FirstLink(FirstLink("/meetings/", r"/meetings/\d+$"), r"/meetings/\d+/invite$"),
    "/governance/settings",
    "/admin/settings/",
    "/admin/mail",
    "/admin/privacy",
    "/admin/privacy/notice",
    "/admin/erasure",
    "/admin/erasure/retention",
    FirstLink("/governance/reports", r"/governance/reports/\d+$"),
]

GUEST = [
    *SHARED,
    "/partners/me",
    FirstLink("/partners/me", r"/subgroups/\d+$"),
    FirstLink("/partners/me", r"/members/\d+$"),
]


def _candidates(page, target: str | FirstLink) -> list[str]:
    """The paths ``target`` stands for: itself, or the matching links on the first index page
    that has any."""
    if isinstance(target, str):
        return [target]
    for index in _candidates(page, target.index):
        page.goto(index)
        hrefs = page.eval_on_selector_all("main a[href]", "links => links.map((a) => a.pathname)")
        matching = [href for href in hrefs if re.search(target.pattern, href)]
        if matching:
            return matching
    return []


def _path(page, target: str | FirstLink) -> str:
    candidates = _candidates(page, target)
    assert candidates, f"no page for {target}"
    return candidates[0]


def _check_pages(page, pages) -> None:
    found = []
    for target in pages:
        path = _path(page, target)
        response = page.goto(path)
        assert response.ok, f"{path} answered {response.status}"
        settled(page)
        found.extend(axe_violations(page))
    for violation in found:
        print(violation)
    assert blocking(found) == [], "\n".join(str(violation) for violation in blocking(found))


@pytest.fixture
def axe_page(new_page):
    assert AXE_SCRIPT.exists(), "node_modules/axe-core is missing: run `make install` (npm ci)"
    return new_page(bypass_csp=True)


def test_signed_out_pages_have_no_serious_accessibility_problems(axe_page):
    _check_pages(axe_page, SIGNED_OUT)


def test_a_form_showing_errors_has_no_serious_accessibility_problems(axe_page):
    sign_in(axe_page, MEMBER_EMAIL, "not the demo password")
    expect(axe_page.locator("#password-error")).to_be_visible()
    assert blocking(axe_violations(axe_page)) == []


@pytest.mark.parametrize(
    ("email", "pages"),
    [(MEMBER_EMAIL, MEMBER), (ADMIN_EMAIL, ADMIN), (GUEST_EMAIL, GUEST)],
    ids=["member", "admin", "guest"],
)
def test_main_pages_have_no_serious_accessibility_problems(axe_page, email, pages):
    sign_in(axe_page, email, PASSWORD)
    expect(axe_page.get_by_role("button", name="Sign out")).to_be_visible()
    _check_pages(axe_page, pages)
