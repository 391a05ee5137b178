"""An admin finds a mail that failed for good under Admin → Mail and sends it again, without a
page reload; the server's sender thread delivers it within seconds."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from intranet.platform.outbox import OutgoingMail
from tests.e2e.conftest import ADMIN_EMAIL, PASSWORD
from tests.e2e.journeys import header_nav, sign_in

pytestmark = pytest.mark.e2e


def add_failed_mail(database_url: str, address: str) -> int:
    """A mail that failed for good while the mail server was down (the outbox's last word)."""
    queued = datetime.now(UTC) - timedelta(days=2)
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        mail_id = connection.execute(
            sa.insert(OutgoingMail.__table__)
            .values(
                message_id=f"<{uuid.uuid4().hex}@e2e.example>",
                recipient=address,
                subject="Minutes of the Vilnius meeting",
                category="",
                content={
                    "to": address,
                    "subject": "Minutes of the Vilnius meeting",
                    "text": "The minutes are approved.",
                    "html": None,
                    "headers": {},
                    "attachments": [],
                },
                status="failed",
                attempts=31,
                created_at=queued,
                next_attempt_at=queued,
                give_up_at=queued + timedelta(hours=48),
                waiting_for_server=False,
                last_error="mail server unreachable: Connection refused",
            )
            .returning(OutgoingMail.__table__.c.id)
        ).scalar_one()
    engine.dispose()
    return mail_id


def test_an_admin_sends_a_failed_mail_again(page, live_server, live_database):
    address = f"failed-{uuid.uuid4().hex[:6]}@example.org"
    mail_id = add_failed_mail(live_database, address)
    sign_in(page, ADMIN_EMAIL, PASSWORD)
    header_nav(page).get_by_role("link", name="Admin", exact=True).click()
    page.get_by_role("main").get_by_role("link", name="Mail", exact=True).click()
    row = page.locator(f"#mail-{mail_id}")
    expect(row).to_contain_text("Connection refused")
    page.evaluate("window.stillTheSamePage = true")
    row.get_by_role("button", name=f"Send again to {address}").click()
    expect(row).to_contain_text("queued again")
    assert page.evaluate("window.stillTheSamePage") is True
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if any(address in path.read_text() for path in live_server.outbox.glob("*.eml")):
            break
        time.sleep(0.2)
    else:
        pytest.fail("the mail sent again did not arrive within 10 s")
