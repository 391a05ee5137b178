"""The mail outbox: retries with growing pauses for 48 hours, leases, exactly-once delivery by
concurrent senders, the sender thread woken by a commit, and the failed-mail page."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from aiosmtpd.controller import Controller
from sqlalchemy import select, text

from intranet.extensions import db
from intranet.models import AuditEvent
from intranet.platform import outbox
from intranet.platform.mail import send_mail
from intranet.platform.mail_sender import deliver_round
from intranet.platform.outbox import OutgoingMail, deliver_due
from intranet.testing import POSTGRES_URL
from intranet.testing_mail import Recorder, RecordingServer, free_port

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def rows() -> list[OutgoingMail]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)))


@pytest.fixture
def mail_server_down(app):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_STARTTLS=False)


@pytest.fixture
def smtp(app):
    with RecordingServer() as server:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, SMTP_STARTTLS=False)
        yield server.recorder


def test_retries_pause_longer_each_time_for_48_hours_then_the_mail_fails(app, mail_server_down):
    with time_machine.travel(START, tick=False) as clock:
        send_mail("kadri@example.org", "Agenda", "Online.")
        db.session.commit()
        pauses = []
        while True:
            result = deliver_due()
            [row] = rows()
            if row.status == "failed":
                break
            assert result.deferred == 1
            pause = row.next_attempt_at - outbox.utcnow()
            pauses.append(pause)
            clock.shift(pause - timedelta(seconds=1))
            assert deliver_due().deferred == 0, "retried before its time"
            clock.shift(timedelta(seconds=1))
        assert result.failed == 1
        assert pauses[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
        assert max(pauses) == timedelta(hours=2)
        assert START + timedelta(hours=46) <= outbox.utcnow() <= START + timedelta(hours=48)
        assert row.attempts == len(pauses) + 1 and "unreachable" in row.last_error
        clock.shift(timedelta(days=3))
        assert deliver_due().failed == 0 and rows()[0].attempts == row.attempts


def test_mail_claimed_by_a_sender_that_died_is_sent_after_the_lease(app, smtp):
    with time_machine.travel(START, tick=False) as clock:
        send_mail("kadri@example.org", "Agenda", "Online.")
        db.session.commit()
        with db.Session(db.engine) as session:
            assert len(outbox.claim(session)) == 1  # ... and the sender is killed here
        assert deliver_due().sent == 0 and smtp.recipients == []
        clock.shift(outbox.LEASE + timedelta(seconds=1))
        assert deliver_due().sent == 1 and smtp.recipients == [["kadri@example.org"]]


def test_a_sent_mail_is_never_sent_again(app, smtp):
    with time_machine.travel(START, tick=False) as clock:
        send_mail("kadri@example.org", "Agenda", "Online.")
        db.session.commit()
        assert deliver_due().sent == 1
        clock.shift(timedelta(days=3))  # restarts, later runs of every sender
        assert deliver_due().sent == 0
    assert len(smtp.messages) == 1 and rows()[0].status == "sent"


def test_two_senders_at_once_deliver_each_mail_exactly_once(app, smtp):
    for number in range(60):
        send_mail(f"expert{number}@example.org", f"Mail {number}", "Text")
    db.session.commit()
    results = []
    start = threading.Barrier(2)

    def sender() -> None:
        with app.app_context():
            start.wait()
            results.append(deliver_due())

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [message["Message-ID"] for message in smtp.parsed()]
    assert len(ids) == 60 and len(set(ids)) == 60
    assert sum(result.sent for result in results) == 60
    assert all(result.sent for result in results), "one sender waited for the other's claim"
    assert {row.status for row in rows()} == {"sent"}


@pytest.mark.skipif(not POSTGRES_URL, reason="row locks: PostgreSQL")
def test_a_sender_skips_the_rows_another_sender_is_claiming(app):
    for number in range(20):
        send_mail(f"expert{number}@example.org", f"Mail {number}", "Text")
    db.session.commit()
    with db.Session(db.engine) as other, db.Session(db.engine) as session:
        locked = other.scalars(
            select(OutgoingMail.id).order_by(OutgoingMail.id).limit(10).with_for_update()
        ).all()  # another sender, between its SELECT ... FOR UPDATE and its commit
        session.execute(text("SET lock_timeout = '2s'"))
        claimed = [row.id for row in outbox.claim(session)]
        other.rollback()
    assert len(claimed) == 10 and not set(claimed) & set(locked)


@pytest.fixture
def sender_thread(config):
    config.update(MAIL_SENDER="thread", MAIL_SENDER_POLL=60)
    return config


def test_a_commit_that_queues_mail_wakes_the_sender_at_once(sender_thread, app, client, member):
    client.get("/login")  # the first request starts the process's sender thread
    started = time.perf_counter()
    client.submit("/password/forgot", {"email": member.email})
    folder = Path(app.config["MAIL_OUTBOX"])
    while not list(folder.glob("*.eml")) and time.perf_counter() - started < 5:
        time.sleep(0.05)
    app.extensions["intranet_mail_sender"].stop()
    assert list(folder.glob("*.eml")), "the mail waited for the 60 s poll"
    assert time.perf_counter() - started < 5


def test_cli_commands_never_start_the_sender_thread(sender_thread, app):
    result = app.test_cli_runner().invoke(args=["intranet", "mail-worker", "--once"])
    assert result.exit_code == 0
    assert "intranet-mail-sender" not in {thread.name for thread in threading.enumerate()}


def test_delivered_text_is_not_kept_and_old_mail_is_forgotten(app, smtp):
    with time_machine.travel(START, tick=False) as clock:
        send_mail("kadri@example.org", "Reset", "Your link: https://intranet/reset/secret")
        db.session.commit()
        deliver_due()
        assert rows()[0].content == {}  # the link is gone from the database
        clock.shift(timedelta(days=29))
        assert outbox.forget_finished() == 0
        clock.shift(timedelta(days=2))
        assert outbox.forget_finished() == 1 and rows() == []


def failed_mail(app) -> OutgoingMail:
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_STARTTLS=False)
    send_mail("kadri@example.org", "Minutes of Vilnius", "Text")
    db.session.commit()
    db.session.execute(db.update(OutgoingMail).values(give_up_at=outbox.utcnow()))
    db.session.commit()
    assert deliver_due().failed == 1
    return rows()[0]


def test_an_admin_sees_failed_mail_and_sends_it_again(app, client, signed_in):
    mail = failed_mail(app)
    signed_in("admin")
    page = client.get("/admin/mail").get_data(as_text=True)
    assert 'href="/admin/mail"' in client.get("/admin/").get_data(as_text=True)
    assert "kadri@example.org" in page and "Minutes of Vilnius" in page and "Send again" in page
    response = client.submit(f"/admin/mail/{mail.id}/send-again")
    assert response.status_code == 303
    with RecordingServer() as server:
        app.config.update(SMTP_PORT=server.port)
        assert deliver_due().sent == 1
        assert server.recorder.recipients == [["kadri@example.org"]]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mail.send_again"))
    assert event.target == f"mail:{mail.id}"
    assert "No mail has failed." in client.get("/admin/mail").get_data(as_text=True)


def test_sending_again_needs_an_admin_and_the_csrf_token(app, client, signed_in):
    mail = failed_mail(app)
    signed_in("secretariat")
    assert client.get("/admin/mail").status_code == 403
    assert client.submit(f"/admin/mail/{mail.id}/send-again").status_code == 403
    signed_in("admin")
    assert client.post(f"/admin/mail/{mail.id}/send-again").status_code == 400
    assert rows()[0].status == "failed"
    response = client.submit(f"/admin/mail/{mail.id}/send-again", headers={"HX-Request": "true"})
    assert "queued again" in response.get_data(as_text=True)
    assert client.submit(f"/admin/mail/{mail.id}/send-again").status_code == 303


def reset_requests(client, email: str, times: int) -> None:
    for _ in range(times):
        client.submit("/password/forgot", {"email": email})
        deliver_due()


def test_reset_links_are_limited_to_three_an_hour_when_mail_works(app, client, member, outbox):
    reset_requests(client, member.email, 4)
    assert len(outbox()) == 3


def test_after_a_mail_outage_a_user_can_still_get_a_reset_link(
    app, client, member, mail_server_down
):
    """Failed reset mails counted toward the three an hour: after an outage nobody could get a
    link. Mails whose delivery failed no longer count."""
    reset_requests(client, member.email, 4)
    assert [(row.status, row.attempts) for row in rows()] == [("queued", 1)] * 4
    with RecordingServer() as server:  # the mail server is back
        app.config.update(SMTP_PORT=server.port)
        reset_requests(client, member.email, 1)
        [message] = server.recorder.parsed()
    text = message.get_body(preferencelist=("plain",)).get_content()
    path = text.split("http://127.0.0.1:5000", 1)[1].split()[0]
    assert message["To"] == member.email and path.startswith("/password/reset/")
    assert client.get(path).status_code == 200


class RefusesOne(Recorder):
    async def handle_RCPT(self, server, session, envelope, address, options):
        if address == "gone@example.org":
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_refused_recipient_waits_for_its_retry_while_the_others_go_out(app):
    controller = Controller(RefusesOne(), hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_STARTTLS=False)
    try:
        with time_machine.travel(START, tick=False) as clock:
            for address in ("gone@example.org", "kadri@example.org"):
                send_mail(address, "Agenda", "Online.")
            db.session.commit()
            result = deliver_round()
            assert (result.sent, result.deferred, result.unreachable) == (1, 1, False)
            refused = rows()[0]
            assert "550" in refused.last_error and not refused.waiting_for_server
            assert deliver_round().deferred == 0, "the server answers: no reason to retry early"
            clock.shift(timedelta(seconds=30))
            assert deliver_round().deferred == 1 and rows()[0].attempts == 2
    finally:
        controller.stop()
