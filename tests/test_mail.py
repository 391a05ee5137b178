"""Outgoing mail: queued in the caller's transaction, delivered by SMTP on loopback or to the
outbox folder, never by the request itself."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from intranet.extensions import db
from intranet.platform import outbox as queue
from intranet.platform.mail import MailAttachment, send_mail
from intranet.platform.mail_sender import deliver_round
from intranet.platform.outbox import OutgoingMail
from intranet.testing_mail import HangingFront, RecordingServer, free_port


@pytest.fixture
def smtp_server(app):
    with RecordingServer() as server:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, SMTP_STARTTLS=False)
        yield server.recorder


def queued() -> list[OutgoingMail]:
    return list(db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)))


def test_mail_goes_through_smtp_after_the_commit(app, smtp_server, deliver_mail, tmp_path):
    send_mail("kadri@example.org", "Agenda published", "The agenda is online.", "<p>Online</p>")
    assert smtp_server.recipients == []  # queued, not sent
    db.session.commit()
    assert deliver_mail().sent == 1
    assert smtp_server.recipients == [["kadri@example.org"]]
    raw = smtp_server.messages[0].decode()
    assert "Subject: Agenda published" in raw
    assert "The agenda is online." in raw and "text/html" in raw
    assert not (tmp_path / "outbox").exists()


def test_a_mail_of_a_rolled_back_action_is_never_sent(app, smtp_server, deliver_mail):
    send_mail("kadri@example.org", "Never", "The action failed.")
    db.session.rollback()
    assert deliver_mail().sent == 0 and smtp_server.recipients == []


def test_the_message_id_is_made_once_and_kept_through_retries(app, deliver_mail):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_STARTTLS=False)
    send_mail("kadri@example.org", "Agenda", "Online.")
    db.session.commit()
    [row] = queued()
    assert deliver_mail().deferred == 1
    with RecordingServer() as server:
        app.config.update(SMTP_PORT=server.port)
        db.session.execute(db.update(OutgoingMail).values(next_attempt_at=queue.utcnow()))
        assert deliver_mail().sent == 1
        [message] = server.recorder.parsed()
    assert message["Message-ID"] == row.message_id


def test_password_reset_mail_reaches_the_smtp_server(
    app, smtp_server, client, member, deliver_mail
):
    client.submit("/password/forgot", {"email": member.email})
    deliver_mail()
    assert smtp_server.recipients == [[member.email]]
    assert "/password/reset/" in smtp_server.messages[0].decode()


def test_without_smtp_host_mail_lands_in_the_outbox(app, outbox):
    send_mail("erik@example.org", "Hello", "Plain text body")
    db.session.commit()
    [message] = outbox()
    assert message["To"] == "erik@example.org"
    assert message["Subject"] == "Hello"
    assert message["Message-ID"]
    assert message.get_body(preferencelist=("plain",)).get_content().strip() == "Plain text body"


def test_an_unreachable_server_defers_the_mail_and_logs_it(app, caplog, deliver_mail):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_STARTTLS=False)
    send_mail("someone@example.org", "Lost?", "No server listens there.")  # raises nothing
    db.session.commit()
    assert deliver_mail().deferred == 1
    [row] = queued()
    assert row.status == "queued" and row.attempts == 1 and "unreachable" in row.last_error
    assert "mail server unreachable, deferred: 1 queued" in caplog.text


def test_a_mail_that_cannot_be_built_is_kept_as_failed_not_raised(app, deliver_mail):
    send_mail("bad\x00address", "Broken", "Text", headers={"X-Bad": "\ud800"})
    db.session.commit()
    assert deliver_mail().failed == 1
    [row] = queued()
    assert row.status == "failed" and "could not be built" in row.last_error


def test_a_hanging_mail_server_never_slows_a_request(app, client, member):
    """The password reset took 15 s with a server that accepts and never answers; the request
    now only queues, and the sender thread's attempt ends at the SMTP timeout."""
    with RecordingServer() as server:
        front = HangingFront(server.port)
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=front.port, SMTP_STARTTLS=False)
        app.config.update(SMTP_TIMEOUT=1)
        response = client.submit("/password/forgot", {"email": member.email})
        # The request never opened a connection to the mail server (a loaded machine can
        # take over a second for it, so its time is no evidence); the sender's attempt does.
        assert response.status_code == 302 and front.held == []
        result = deliver_round()
        assert result.deferred == 1 and server.recorder.recipients == []
        assert len(front.held) == 1
        assert deliver_round().unreachable, "still down: nothing sent, nothing hangs long"
        front.recover()
        assert deliver_round().sent == 1
        assert server.recorder.recipients == [[member.email]]
        front.close()


def test_a_mail_carries_attachments_and_extra_headers(app, outbox):
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
    db.session.commit()
    [message] = outbox()
    assert message["Reply-To"] == "secretariat@example.org"
    assert message["Auto-Submitted"] == "auto-generated"
    [part] = list(message.iter_attachments())
    assert part.get_filename() == "invite.ics"
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert b"BEGIN:VCALENDAR" in part.get_content().encode()


def test_mail_queued_after_the_last_commit_is_reported(app, caplog, client, member):
    client.submit("/password/forgot", {"email": member.email})
    assert "never committed" not in caplog.text
    with app.app_context():
        send_mail("kadri@example.org", "Lost", "The caller forgot to commit.")
    assert "mail was queued but never committed" in caplog.text
