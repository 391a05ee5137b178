"""Undo on a phone, with and without JavaScript: a deleted post and a left sub-group come back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD
from tests.e2e.journeys import settled, signed_in, unique
from tests.e2e.test_subgroups import MANDATE, SECRETARIAT_EMAIL, fill_dates_and_create

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def press_and_confirm(page, javascript: bool, action: str) -> None:
    """Press `action` and say yes: in the dialog with JavaScript (the page's script, which
    opens it, must have run: a click right after a navigation came before it), on the page
    that asks without it."""
    settled(page)
    page.get_by_role("button", name=action, exact=True).click()
    if javascript:
        page.get_by_role("dialog").get_by_role("button", name=action).click()
    else:
        page.get_by_role("button", name=re.compile(action)).click()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_deleted_post_and_a_left_sub_group_can_be_undone(new_page, javascript):
    page = signed_in(
        new_page, SECRETARIAT_EMAIL, PASSWORD, viewport=PHONE, java_script_enabled=javascript
    )
    page.goto("/subgroups/propose")
    name = unique("Undo journey")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Mandate").fill(MANDATE)
    fill_dates_and_create(page, name)
    page.get_by_label("Title").fill("Shelter capacity")
    page.get_by_label("Message").fill("Words worth keeping")
    page.get_by_role("button", name="Post", exact=True).click()

    press_and_confirm(page, javascript, "Delete")
    expect(page.get_by_role("status")).to_contain_text("The post was deleted.")
    expect(page.get_by_text("Words worth keeping")).to_have_count(0)
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status")).to_contain_text("The post is back.")
    expect(page.get_by_text("Words worth keeping")).to_be_visible()

    page.get_by_role("link", name=name).first.click()
    press_and_confirm(page, javascript, "Leave")
    expect(page.get_by_role("status")).to_contain_text("no longer in this sub-group")
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status")).to_contain_text("You are back in the sub-group.")
    expect(page.get_by_role("button", name="Leave", exact=True)).to_be_visible()
