"""A member asks for their account to be erased; an admin confirms it on the requests page,
where htmx swaps each request in place: a refusal lists what to hand over, an erasure says so."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from intranet.platform.demo import demo_email
from tests.e2e.conftest import ADMIN_EMAIL, PASSWORD
from tests.e2e.journeys import sign_in

pytestmark = pytest.mark.e2e

LEAVING = ("marit.lie@demo.example", "Marit Lie")
CONVENOR = (demo_email("member_dk"), "Mette Kjaergaard")


def ask_for_erasure(page, email: str) -> None:
    sign_in(page, email, PASSWORD)
    page.goto("/profile")
    page.get_by_role("link", name="Ask for your account to be erased").click()
    page.get_by_label("Reason (optional)").fill("I am leaving the ministry.")
    page.get_by_label("I understand that my account").check()
    page.get_by_role("button", name="Ask for my account to be erased").click()
    expect(page.get_by_role("status")).to_contain_text("The secretariat will confirm it")


def test_a_requested_erasure_is_refused_then_confirmed_in_place(new_page):
    leaving, convenor, admin = new_page(), new_page(), new_page()
    ask_for_erasure(leaving, LEAVING[0])
    ask_for_erasure(convenor, CONVENOR[0])

    sign_in(admin, ADMIN_EMAIL, PASSWORD)
    admin.goto("/admin/erasure")
    admin.evaluate("window.stillTheSamePage = true")
    blocked = admin.locator("article.erasure-request", has_text=CONVENOR[1])
    blocked.get_by_label("Erase this account's personal data for good.").check()
    blocked.get_by_role("button", name="Confirm and erase").click()
    expect(blocked).to_contain_text("Refused: hand over first")
    expect(blocked).to_contain_text("Convenor of the sub-group")

    request = admin.locator("article.erasure-request", has_text=LEAVING[1])
    request.get_by_role("button", name="Confirm and erase").click()
    expect(request).to_contain_text("Tick the box to confirm.")
    request.get_by_label("Erase this account's personal data for good.").check()
    request.get_by_role("button", name="Confirm and erase").click()
    expect(admin.get_by_role("status").filter(has_text="is erased")).to_be_visible()
    expect(admin.locator("article.erasure-request", has_text=LEAVING[1])).to_have_count(0)
    assert admin.evaluate("window.stillTheSamePage") is True

    leaving.goto("/profile")
    expect(leaving).to_have_url(re.compile(r"/login"))
    directory = admin.request.get("/directory?q=Marit").text()
    assert LEAVING[1] not in directory
    # A deactivated account would still be listed here under its name and address.
    for query, trace in (("Marit", LEAVING[1]), ("marit.lie", LEAVING[0])):
        users = admin.request.get(f"/admin/users?q={query}", headers={"HX-Request": "true"})
        assert users.ok and trace not in users.text()
