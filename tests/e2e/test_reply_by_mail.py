"""A reply by mail, delivered over SMTP on loopback to the running `intranet mail-receiver`,
shows up as a post in the sub-group's thread, without the quoted mail and the signature."""

from __future__ import annotations

import smtplib
import socket
import subprocess
import time
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from playwright.sync_api import expect

from intranet.platform.demo import demo_email
from tests.e2e.conftest import BIN, JOURNEY_SECONDS, PASSWORD, REPO, LiveServer, _free_port
from tests.e2e.journeys import signed_in, unique

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(JOURNEY_SECONDS, func_only=True)]

GROUP = "Labour exploitation in the Baltic Sea Region"  # demo: Katarzyna and Erik are members
KATARZYNA, ERIK = demo_email("member_pl"), demo_email("member_se")


@pytest.fixture
def receiver(live_server: LiveServer) -> Iterator[int]:
    """`flask intranet mail-receiver` beside the live server, on its database."""
    port = _free_port()
    process = subprocess.Popen(
        [str(BIN / "flask"), "--app", "wsgi", "intranet", "mail-receiver", "--port", str(port)],
        cwd=REPO,
        env=live_server.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("mail-receiver did not start")
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=15)


def mail_about(live_server: LiveServer, to: str, words: str) -> EmailMessage:
    """The mail to `to` whose subject has `words`, once the server's sender wrote it."""
    parser = BytesParser(policy=policy.default)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for path in live_server.outbox.glob("*.eml"):
            message = parser.parsebytes(path.read_bytes())
            if message["To"] == to and words in str(message["Subject"]):
                return message  # type: ignore[return-value]
        time.sleep(0.3)
    pytest.fail(f"no mail to {to} about {words!r} within 30 s")


def answer(port: int, notification: EmailMessage, text: str) -> None:
    reply = EmailMessage()
    reply["From"] = f"Erik Johansson <{ERIK}>"
    reply["To"] = notification["Reply-To"]
    reply["Subject"] = f"Re: {notification['Subject']}"
    reply["In-Reply-To"] = notification["Message-ID"]
    reply.set_content(
        f"{text}\n\nBest regards,\nErik Johansson\nSwedish Police Authority\n\n"
        f"On Mon, 7 Dec 2026 at 09:12, Task Force Intranet wrote:\n> A new discussion.\n"
    )
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.send_message(reply)


def test_a_reply_by_mail_shows_up_in_the_thread(new_page, live_server, receiver):
    page = signed_in(new_page, KATARZYNA, PASSWORD)
    page.goto("/subgroups/")
    page.get_by_role("link", name=GROUP).click()
    title = unique("Shelters for victims in Gdańsk")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Message").fill("Which shelters took in victims last year?")
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    thread_url = page.url

    notification = mail_about(live_server, ERIK, title)
    assert notification["Reply-To"].startswith("reply+")
    text = unique("Two in Malmö took in eleven victims")
    answer(receiver, notification, text)

    deadline = time.monotonic() + 30
    while text not in page.content() and time.monotonic() < deadline:
        time.sleep(0.5)
        page.goto(thread_url)
    post = page.locator("article", has_text=text)
    expect(post).to_contain_text("Erik Johansson")
    expect(page.get_by_text("Swedish Police Authority")).to_have_count(0)
    expect(page.get_by_text("A new discussion.")).to_have_count(0)
