"""No page is wider than the screen, and the phone menu reaches every section.

Each role (member, secretariat, admin, guest) opens every section of its navigation and a few
detail pages, each laid out at 1280 px and at 390 px; a page that scrolls sideways fails the
test with the page's path and its width. At 390 px the sections sit behind a "Menu"
disclosure that opens with and without JavaScript.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from intranet.platform.demo import demo_email
from tests.e2e.conftest import ADMIN_EMAIL, MEMBER_EMAIL, PASSWORD
from tests.e2e.journeys import header_nav, settled, signed_in

pytestmark = pytest.mark.e2e

GUEST_EMAIL = "astrid.nilsen@demo.example"
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
ROLES = {
    "member": MEMBER_EMAIL,
    "secretariat": demo_email("secretariat"),
    "admin": ADMIN_EMAIL,
    "guest": GUEST_EMAIL,
}
# Detail pages beside the sections, reached through the first matching link of a section.
DETAILS = {
    "/subgroups/": r"^/subgroups/\d+$",
    "/meetings/": r"^/meetings/\d+$",
    "/directory": r"^/members/\d+$",
    "/lessons/": r"^/lessons/\d+$",
    "/governance/": r"^/governance/documents/[\w-]+$",
}
# Wide lists beyond the navigation: registers, tables of periods, the administration's lists.
MORE_PAGES = {
    "member": ["/meetings/actions", "/lessons/coverage", "/lessons/initiatives"],
    "secretariat": [
        "/meetings/decisions",
        "/governance/chairmanship",
        "/governance/mandate",
        "/governance/reports",
        "/partners/",
        "/partners/organisations",
    ],
    "admin": ["/admin/users", "/admin/audit", "/admin/plugins", "/admin/privacy"],
    "guest": [],
}
WIDER_THAN_SCREEN = (
    "() => document.scrollingElement.scrollWidth > window.innerWidth"
    " ? document.scrollingElement.scrollWidth : 0"
)


def section_paths(page) -> list[str]:
    """The paths of the sections in the main navigation, in its order, without duplicates."""
    hrefs = (
        header_nav(page)
        .locator(".nav-row a")
        .evaluate_all("links => links.map(a => a.getAttribute('href'))")
    )
    return list(dict.fromkeys(hrefs))


def first_link(page, pattern: str) -> list[str]:
    """The first link in the page's main part whose path matches `pattern`, if any."""
    hrefs = page.locator("main a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return next(([href] for href in hrefs if href and re.match(pattern, href)), [])


def overflowing(page, paths: list[str]) -> list[str]:
    """Each of `paths` that scrolls sideways at one of the WIDTHS: each page is loaded once
    and laid out at every width."""
    found = []
    for path in paths:
        page.goto(path)
        settled(page)
        for name, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            width = page.evaluate(WIDER_THAN_SCREEN)
            if width:
                found.append(f"{path} is {width} px wide at {name} ({viewport['width']} px)")
    return found


@pytest.mark.parametrize("role", ROLES)
def test_no_main_page_is_wider_than_the_screen(new_page, role):
    page = signed_in(new_page, ROLES[role], PASSWORD, viewport=WIDTHS["phone"])
    paths = ["/", *section_paths(page), "/profile", *MORE_PAGES[role]]
    for index, pattern in DETAILS.items():
        if index in paths:
            page.goto(index)
            paths += first_link(page, pattern)
    assert overflowing(page, paths) == [], role


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
@pytest.mark.parametrize("role", ["member", "admin"])
def test_the_phone_menu_opens_and_lists_every_section(new_page, role, javascript):
    desktop = signed_in(new_page, ROLES[role], PASSWORD, viewport=WIDTHS["desktop"])
    sections = header_nav(desktop).locator(".nav-row a").all_inner_texts()
    assert len(sections) > 3

    phone = signed_in(
        new_page, ROLES[role], PASSWORD, viewport=WIDTHS["phone"], java_script_enabled=javascript
    )
    nav = header_nav(phone)
    menu = nav.get_by_text("Menu", exact=True)
    expect(menu).to_be_visible()
    expect(nav.get_by_role("link", name=sections[-1], exact=True)).to_be_hidden()
    menu.click()
    for label in sections:
        link = nav.get_by_role("link", name=label, exact=True)
        expect(link).to_be_visible()
    assert phone.evaluate(WIDER_THAN_SCREEN) == 0
    last = nav.get_by_role("link", name=sections[-1], exact=True)
    target = last.get_attribute("href")
    last.click()
    expect(phone).to_have_url(re.compile(re.escape(target) + "$"))


def test_a_stacked_table_shows_each_column_label_before_the_value_on_a_phone(new_page):
    page = signed_in(new_page, MEMBER_EMAIL, PASSWORD, viewport=WIDTHS["phone"])
    page.goto("/directory?country=SE")
    cell = page.locator("main table tbody tr").first.locator("td").nth(2)
    expect(cell).to_contain_text("Sweden")
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Country"'
