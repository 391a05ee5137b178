"""A partner is invited, accepts through the link in the mail, and sees what was granted only."""

from __future__ import annotations

import re
import time
import uuid
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from playwright.sync_api import expect

from intranet.platform.demo import demo_email
from tests.e2e.conftest import JOURNEY_SECONDS, PASSWORD, WAIT_MS
from tests.e2e.journeys import header_nav, signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(JOURNEY_SECONDS, func_only=True)]

SECRETARIAT_EMAIL = demo_email("secretariat")
GRANTED_GROUP = "Victim assistance and rehabilitation"
OTHER_GROUP = "Labour exploitation in the Baltic Sea Region"
GUEST_PASSWORD = "amber lighthouse ferry quietly"


def mail_to(outbox: Path, address: str) -> str:
    """The plain text of the mail the live server wrote for `address` (waits for it)."""
    parser = BytesParser(policy=policy.default)
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:
        for path in sorted(outbox.glob("*.eml")):
            message = parser.parsebytes(path.read_bytes())
            if address in str(message["To"]):
                return message.get_body(preferencelist=("plain",)).get_content()
        time.sleep(0.2)
    raise AssertionError(f"no mail to {address} in {outbox}")


def test_invited_partner_accepts_and_sees_only_the_granted_sub_group(new_page, live_server):
    staff = signed_in(new_page, SECRETARIAT_EMAIL, PASSWORD)
    staff.goto("/subgroups/")
    other_group_url = staff.get_by_role("link", name=OTHER_GROUP).get_attribute("href")

    guest_email = f"partner-{uuid.uuid4().hex[:8]}@ngo.example"
    staff.goto("/partners/invite")
    staff.get_by_label("Name").fill("Marta Partner")
    staff.get_by_label("Email").fill(guest_email)
    staff.get_by_label("Organisation", exact=True).fill("Baltic NGO Network")
    staff.get_by_label(f"Sub-group: {GRANTED_GROUP}").check()
    staff.get_by_role("button", name="Send the invitation").click()
    sent = f"Invitation sent to Marta Partner <{guest_email}>."
    expect(staff.get_by_role("status")).to_contain_text(sent)

    text = mail_to(live_server.outbox, guest_email)
    assert GRANTED_GROUP in text
    link = re.search(r"https?://\S+/invite/\S+", text).group(0)
    assert link.startswith(live_server.url)

    guest = new_page()
    guest.goto(link)
    expect(guest.get_by_role("heading", name="Welcome, Marta Partner")).to_be_visible()
    guest.get_by_label("Choose a password").fill(GUEST_PASSWORD)
    guest.get_by_label("Repeat the password").fill(GUEST_PASSWORD)
    guest.get_by_role("button", name="Accept and sign in").click()
    expect(guest).to_have_url(re.compile(r"/partners/me$"))
    expect(guest.get_by_role("status")).to_contain_text("Welcome, Marta Partner")
    expect(guest.get_by_role("banner")).to_contain_text("Marta Partner")

    guest.get_by_role("link", name=f"Sub-group: {GRANTED_GROUP}").click()
    expect(guest.get_by_role("heading", level=1)).to_contain_text(GRANTED_GROUP)

    expect(header_nav(guest).get_by_role("link", name="Directory")).to_have_count(0)
    guest.goto("/subgroups/")
    expect(guest.get_by_role("link", name=GRANTED_GROUP)).to_be_visible()
    expect(guest.get_by_role("link", name=OTHER_GROUP)).to_have_count(0)

    for refused in ("/directory", "/delegations", other_group_url):
        response = guest.goto(refused)
        assert response.status in (403, 404), f"{refused} answered {response.status}"
        expect(guest.get_by_role("main")).not_to_contain_text(OTHER_GROUP)


def test_an_existing_guest_signs_in_before_accepting_more_access(new_page, live_server):
    guest_email = demo_email("lina_berg")
    staff = signed_in(new_page, SECRETARIAT_EMAIL, PASSWORD)
    staff.goto("/partners/invite")
    staff.get_by_label("Name").fill("Lina Berg")
    staff.get_by_label("Email").fill(guest_email)
    staff.get_by_label("Organisation", exact=True).fill("La Strada International (NGO)")
    staff.get_by_label(f"Sub-group: {OTHER_GROUP}").check()
    staff.get_by_role("button", name="Send the invitation").click()
    expect(staff.get_by_role("status")).to_contain_text("Invitation sent to Lina Berg")
    link = re.search(r"https?://\S+/invite/\S+", mail_to(live_server.outbox, guest_email)).group(0)

    guest = new_page()
    guest.goto(link)
    expect(guest.get_by_label("Choose a password")).to_have_count(0)
    guest.get_by_role("link", name="Sign in to accept").click()
    guest.get_by_label("Email").fill(guest_email)
    guest.get_by_label("Password", exact=True).fill(PASSWORD)
    guest.get_by_role("button", name="Sign in").click()
    expect(guest).to_have_url(link)
    guest.get_by_role("button", name="Accept", exact=True).click()
    expect(guest).to_have_url(re.compile(r"/partners/me$"))
    expect(guest.get_by_role("link", name=f"Sub-group: {OTHER_GROUP}")).to_be_visible()
