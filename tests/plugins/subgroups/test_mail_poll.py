"""IMAP polling: `mail-poll` fetches unseen replies from a mailbox (a loopback IMAP server),
posts each once however many hosts poll, marks it seen, and leaves a failed one for later."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from intranet.models import AuditEvent
from intranet.platform import inbound, mail_poll, replies
from intranet.plugin_api import db
from intranet_subgroups.models import Post
from tests.imap_server import PASSWORD, USER, Server
from tests.reply_helpers import bounces, reply_mail


@pytest.fixture
def mailbox(app):
    server = Server().start()
    app.config.update(
        REPLY_DOMAIN="reply.example.org",
        IMAP_HOST="127.0.0.1",
        IMAP_PORT=server.port,
        IMAP_SSL=False,
        IMAP_STARTTLS=False,
        IMAP_USER=USER,
        IMAP_PASSWORD=PASSWORD,
        IMAP_FOLDER="INBOX",
        IMAP_DONE_FOLDER="",
    )
    yield server
    server.stop()


@pytest.fixture
def thread(make_user, make_group, make_thread):
    carl = make_user(email="carl@example.org", name="Carl Convenor")
    maria = make_user(email="maria@example.org", name="Maria Member")
    return make_thread(make_group(convenor=carl, members=(maria,)), carl)


@pytest.fixture
def poll(app):
    runner = app.test_cli_runner()
    return lambda: runner.invoke(args=["intranet", "mail-poll"])


def carls_reply(thread, text="Agreed, Estonia too.", message_id="<r1@mail.example.org>"):
    address = replies.reply_address(thread.author_id, f"subgroups.thread:{thread.id}")
    return reply_mail(address, "carl@example.org", text, message_id=message_id).as_bytes()


def bodies(thread) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Post.body).where(Post.thread_id == thread.id)))


def unseen(server) -> int:
    return sum("\\Seen" not in message.flags for message in server.folders["INBOX"])


def test_a_reply_in_the_mailbox_is_posted_once_and_marked_seen(mailbox, thread, poll, outbox):
    mailbox.deliver(carls_reply(thread))
    mailbox.deliver(carls_reply(thread))  # the same mail delivered twice
    mailbox.deliver(reply_mail("office@example.org", "spam@example.net", "Buy!").as_bytes())

    result = poll()

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1 duplicate, 1 ignored, 1 posted"
    assert bodies(thread) == ["First post", "Agreed, Estonia too."]
    assert unseen(mailbox) == 0 and bounces(outbox()) == []
    ignored = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mail.reply_ignored"))
    assert ignored.details["sender"] == "spam@example.net"
    assert poll().output.strip() == "no new mail"


def test_a_message_another_host_handled_is_not_posted_again(mailbox, thread, poll):
    """Host A handled the mail but stopped before marking it seen; host B finds it unseen."""
    mailbox.deliver(carls_reply(thread))
    assert mail_poll.handle(carls_reply(thread)) == "posted"  # host A

    assert poll().output.strip() == "1 duplicate"  # host B

    assert bodies(thread) == ["First post", "Agreed, Estonia too."]
    assert unseen(mailbox) == 0


def test_a_message_that_failed_stays_unseen_and_is_posted_next_time(
    mailbox, thread, poll, monkeypatch
):
    mailbox.deliver(carls_reply(thread))
    receive = inbound.receive

    def broken(raw, recipient):
        raise RuntimeError("database went away")

    monkeypatch.setattr(inbound, "receive", broken)
    assert poll().output.strip() == "1 failed"
    assert unseen(mailbox) == 1 and bodies(thread) == ["First post"]

    monkeypatch.setattr(inbound, "receive", receive)
    assert poll().output.strip() == "1 posted"
    assert bodies(thread) == ["First post", "Agreed, Estonia too."]


def test_handled_mail_moves_to_the_done_folder(app, mailbox, thread, poll):
    app.config["IMAP_DONE_FOLDER"] = "Intranet done"
    mailbox.deliver(carls_reply(thread))
    assert poll().output.strip() == "1 posted"
    assert mailbox.folders["INBOX"] == []
    assert len(mailbox.folders["Intranet done"]) == 1


def test_a_wrong_password_says_so(app, mailbox, poll):
    app.config["IMAP_PASSWORD"] = "wrong"
    result = poll()
    assert result.exit_code == 1 and "The mailbox could not be read" in result.output
    assert db.session.scalar(select(func.count()).select_from(mail_poll.InboundClaim)) == 0


def test_mail_another_host_moves_away_meanwhile_does_not_confuse_the_poll(
    app, mailbox, thread, poll, monkeypatch
):
    """Host A moves the first mail to the done folder while host B handles it: B's message
    numbers shift, its UIDs do not."""
    app.config["IMAP_DONE_FOLDER"] = "Done"
    mailbox.deliver(carls_reply(thread, "First answer.", "<a@mail.example.org>"))
    mailbox.deliver(carls_reply(thread, "Second answer.", "<b@mail.example.org>"))
    handle = mail_poll.handle

    def meanwhile(raw):
        if len(mailbox.folders["INBOX"]) == 2:
            with mailbox.lock:
                mailbox.folders.setdefault("Done", []).append(mailbox.folders["INBOX"].pop(0))
        return handle(raw)

    monkeypatch.setattr(mail_poll, "handle", meanwhile)
    assert poll().output.strip() == "2 posted"
    assert bodies(thread) == ["First post", "First answer.", "Second answer."]
    assert mailbox.folders["INBOX"] == [] and len(mailbox.folders["Done"]) == 2
