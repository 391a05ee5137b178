"""Outgoing mail: a real SMTP server on loopback, the outbox folder, failures surfaced."""

from __future__ import annotations

import logging
import socket

import pytest
from aiosmtpd.controller import Controller

from intranet.platform.mail import MailError, send_mail


class Recorder:
    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.original_content)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_STARTTLS=False)
    yield recorder
    controller.stop()


def test_mail_goes_through_smtp_when_a_host_is_set(app, smtp_server, tmp_path):
    send_mail("kadri@example.org", "Agenda published", "The agenda is online.", "<p>Online</p>")
    assert smtp_server.recipients == [["kadri@example.org"]]
    raw = smtp_server.messages[0].decode()
    assert "Subject: Agenda published" in raw
    assert "The agenda is online." in raw and "text/html" in raw
    assert not (tmp_path / "outbox").exists()


def test_password_reset_mail_reaches_the_smtp_server(app, smtp_server, client, member):
    client.submit("/password/forgot", {"email": member.email})
    assert smtp_server.recipients == [[member.email]]
    assert "/password/reset/" in smtp_server.messages[0].decode()


def test_without_smtp_host_mail_lands_in_the_outbox(app, outbox):
    send_mail("erik@example.org", "Hello", "Plain text body")
    [message] = outbox()
    assert message["To"] == "erik@example.org"
    assert message["Subject"] == "Hello"
    assert message["Message-ID"]
    assert message.get_body(preferencelist=("plain",)).get_content().strip() == "Plain text body"


def test_sending_failure_is_logged_and_raised(app, caplog):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_STARTTLS=False)
    caplog.set_level(logging.ERROR)
    with pytest.raises(MailError):
        send_mail("someone@example.org", "Lost?", "No server listens there.")
    assert "mail to someone@example.org (Lost?) failed" in caplog.text


def test_a_mail_carries_attachments_and_extra_headers(app, outbox):
    from intranet.platform.mail import MailAttachment

    invitation = MailAttachment(
        "invite.ics", "text/calendar; method=REQUEST", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    )
    send_mail(
        "erik@example.org",
        "Plenary",
        "You are invited.",
        attachments=[invitation],
        headers={"Reply-To": "secretariat@example.org", "Auto-Submitted": "auto-generated"},
    )
    [message] = outbox()
    assert message["Reply-To"] == "secretariat@example.org"
    assert message["Auto-Submitted"] == "auto-generated"
    [part] = list(message.iter_attachments())
    assert part.get_filename() == "invite.ics"
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert b"BEGIN:VCALENDAR" in part.get_content().encode()
