"""A new expert's first day: the secretariat creates her account, she signs in for the first
time, the setup takes her browser's time zone and her organisation, she uploads a photo and
sees her face in the header and the directory."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Locator, expect

from intranet.platform.demo import demo_email
from intranet.testing import sample_photo
from tests.e2e.conftest import JOURNEY_SECONDS, PASSWORD
from tests.e2e.journeys import sign_in, signed_in
from tests.e2e.test_partners import mail_to

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(JOURNEY_SECONDS, func_only=True)]

NEW_PASSWORD = "amber harbour tram slowly"


def loaded_width(image: Locator) -> int:
    """The image's natural width once it has loaded: a swapped page may still be fetching it."""
    return image.evaluate(
        """img => img.complete && img.naturalWidth ? img.naturalWidth
            : new Promise(done => img.addEventListener("load", () => done(img.naturalWidth)))"""
    )


def test_a_new_member_sets_up_her_account_and_shows_her_photo(new_page, live_server):
    staff = signed_in(new_page, demo_email("secretariat"), PASSWORD)
    email = f"liga-{uuid.uuid4().hex[:8]}@example.lv"
    name = f"Liga Berzina {uuid.uuid4().hex[:4]}"
    staff.goto("/admin/users/new")
    staff.get_by_label("Full name").fill(name)
    staff.get_by_label("Email").fill(email)
    staff.get_by_label("Delegation").select_option(label="Latvia")
    expect(staff.get_by_label("Time zone")).to_have_value("")
    staff.get_by_role("button", name="Create and send the activation mail").click()
    expect(staff.get_by_role("status")).to_contain_text(f"{name} was created")

    link = re.search(r"https?://\S+/password/reset/\S+", mail_to(live_server.outbox, email))
    page = new_page(timezone_id="Europe/Vilnius")
    page.goto(link.group(0))
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set the password").click()
    sign_in(page, email, NEW_PASSWORD)

    expect(page).to_have_url(re.compile(r"/welcome$"))
    expect(page.get_by_role("heading", name=f"Welcome, {name}")).to_be_visible()
    # The account was made with Latvia's zone; the browser says Vilnius, so Vilnius is chosen.
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Vilnius")
    organisation = page.get_by_label("Organisation")
    chosen = organisation.locator("option").nth(1).inner_text()
    organisation.select_option(index=1)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Your settings are saved")

    page.goto("/profile")
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Vilnius")
    expect(page.get_by_label("Organisation")).to_have_value(re.compile(r"\d+"))
    photo = {"name": "me.jpg", "mimeType": "image/jpeg", "buffer": sample_photo(1200, 800)}
    page.get_by_label("A photo of you").set_input_files(photo)
    page.get_by_role("button", name="Upload photo").click()
    expect(page.get_by_role("status")).to_contain_text("Your photo is saved.")
    header_photo = page.locator(".site-header img.avatar")
    expect(header_photo).to_have_attribute("src", re.compile(r"/members/\d+/photo\?v="))
    assert loaded_width(header_photo) == 256

    page.goto("/directory")
    page.get_by_label("Search").fill(name.split()[-1])
    row = page.locator("#directory-results tbody tr", has_text=name)
    expect(row).to_have_count(1)
    expect(row.locator("img.avatar")).to_be_visible()
    assert loaded_width(row.locator("img.avatar")) == 256
    expect(row).to_contain_text(chosen.split(" (")[0])

    page.context.clear_cookies()
    sign_in(page, email, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
