"""Reply by mail over real SMTP on loopback: a notification's Reply-To is answered, the
receiver posts the new text in the thread; forged, expired and foreign mail bounce once."""

from __future__ import annotations

import smtplib
import socket
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from intranet.models import AuditEvent
from intranet.platform import inbound, replies
from intranet.platform.attachments import Attachment
from intranet.plugin_api import db
from intranet_subgroups.models import Post
from tests.plugins.subgroups.conftest import sign_in

FIXTURES = Path(__file__).parents[2] / "mail_fixtures"
QUOTED_REPLY = """Yes, let us add the Estonian cases.

Best regards,
Carl Convenor
Ministry of the Interior

On Thu, 3 Dec 2026 at 14:02, Task Force Intranet <intranet@localhost> wrote:
> Maria replied in "Hello".
> Open the intranet to read it.
"""


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def receiver(app):
    app.config["REPLY_DOMAIN"] = "reply.example.org"
    server = inbound.controller(app, "127.0.0.1", free_port())
    server.start()
    yield server.port
    server.stop()


@pytest.fixture
def conversation(client, make_user, make_group, make_thread, outbox):
    """Maria replies in the browser; Carl, the convenor, gets the mail with a Reply-To."""
    carl = make_user(email="Carl@Example.org", name="Carl Convenor")
    maria = make_user(email="maria@example.org", name="Maria Member")
    group = make_group(convenor=carl, members=(maria,))
    thread = make_thread(group, carl)
    return carl, thread


def notify_carl(app, client, thread, outbox) -> EmailMessage:
    from intranet.models import User

    maria = db.session.scalar(select(User).where(User.email == "maria@example.org"))
    sign_in(client, maria)
    client.submit(f"/subgroups/threads/{thread.id}/reply", {"body": "Shall we add Estonia?"})
    (notification,) = [m for m in outbox() if m["To"] == "Carl@Example.org"]
    return notification


def send(
    port: int,
    to: str,
    sender: str,
    text: str,
    files: tuple[tuple[str, str, bytes], ...] = (),
    **headers: str,
) -> None:
    message = EmailMessage()
    message["From"] = f"Carl Convenor <{sender}>"
    message["To"] = to
    message["Subject"] = "Re: New reply"
    message["Message-ID"] = "<reply-1@mail.example.org>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    for name, kind, data in files:
        maintype, _, subtype = kind.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.send_message(message)


def bodies(thread) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Post.body).where(Post.thread_id == thread.id)))


def bounces(outbox) -> list[EmailMessage]:
    return [m for m in outbox() if m["Subject"].startswith("Not posted")]


def test_reply_to_a_notification_becomes_a_post(app, client, conversation, receiver, outbox):
    carl, thread = conversation
    notification = notify_carl(app, client, thread, outbox)
    reply_to = notification["Reply-To"]
    assert reply_to.startswith("reply+") and reply_to.endswith("@reply.example.org")
    pdf = ("Estonia 2026.pdf", "application/pdf", PDF)
    send(receiver, reply_to, "carl@example.org", QUOTED_REPLY, (pdf,))  # address case differs
    (document,) = db.session.scalars(select(Attachment)).all()
    assert document.filename == "Estonia 2026.pdf" and document.uploaded_by_id == carl.id
    new = f"Yes, let us add the Estonian cases.\n\n- [Estonia 2026.pdf]({document.url})"
    assert bodies(thread) == ["First post", "Shall we add Estonia?", new]
    post = db.session.scalars(select(Post).where(Post.thread_id == thread.id)).all()[-1]
    assert post.author_id == carl.id
    assert bounces(outbox) == []
    # Maria is told, as for a post in the browser
    assert [m["To"] for m in outbox()][-1] == "maria@example.org"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mail.reply_posted"))
    page = client.get(f"/subgroups/threads/{thread.id}").get_data(as_text=True)
    assert "Estonian cases" in page and "Ministry of the Interior" not in page
    assert f'href="{document.url}"' in page
    assert client.get(document.url).data == PDF


def forged(address: str) -> str:
    return address.replace("reply+", "reply+x", 1)


def expired(address: str, carl, thread) -> str:
    past = datetime.now(UTC) - timedelta(days=61)
    token = replies.make_token(carl.id, f"subgroups.thread:{thread.id}", now=past)
    return f"reply+{token}@reply.example.org"


@pytest.mark.parametrize("variant", ["forged", "expired", "foreign", "empty"])
def test_bad_replies_bounce_once_and_post_nothing(
    app, client, conversation, receiver, outbox, variant
):
    carl, thread = conversation
    address = notify_carl(app, client, thread, outbox)["Reply-To"]
    sender = "carl@example.org"
    text = QUOTED_REPLY
    if variant == "forged":
        address = forged(address)
    elif variant == "expired":
        address = expired(address, carl, thread)
    elif variant == "foreign":
        sender = "mallory@example.net"
    else:
        text = "On Thu, 3 Dec 2026 at 14:02, Intranet <intranet@localhost> wrote:\n> Hi\n"
    before = bodies(thread)
    send(receiver, address, sender, text)
    assert bodies(thread) == before
    (answer,) = bounces(outbox)
    assert answer["To"] == sender and answer["Auto-Submitted"] == "auto-replied"
    assert answer["In-Reply-To"] == "<reply-1@mail.example.org>"
    refused = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mail.reply_refused"))
    assert refused.details["sender"] == sender


def test_forbidden_attachment_bounces_and_stores_nothing(
    app, client, conversation, receiver, outbox
):
    _, thread = conversation
    address = notify_carl(app, client, thread, outbox)["Reply-To"]
    before = bodies(thread)
    files = (("agenda.pdf", "application/pdf", PDF), ("run.exe", "application/octet-stream", b"MZ"))
    send(receiver, address, "carl@example.org", "See the files.", files)
    assert bodies(thread) == before
    assert db.session.scalars(select(Attachment)).all() == []
    (answer,) = bounces(outbox)
    assert "run.exe" in answer.get_content()


def test_oversize_mail_bounces_and_posts_nothing(app, client, conversation, receiver, outbox):
    _, thread = conversation
    address = notify_carl(app, client, thread, outbox)["Reply-To"]
    before = bodies(thread)
    app.config["INBOUND_MAX_BYTES"] = 4096
    files = (("scan.pdf", "application/pdf", PDF * 100),)
    send(receiver, address, "carl@example.org", "The scan.", files)
    assert bodies(thread) == before
    assert db.session.scalars(select(Attachment)).all() == []
    (answer,) = bounces(outbox)
    assert "larger than 4 KB" in answer.get_content()


@pytest.mark.parametrize(
    "headers", [{"Auto_Submitted": "auto-replied"}, {"Precedence": "bulk"}, {"List_Id": "<x.y>"}]
)
def test_automatic_mail_is_never_answered(app, client, conversation, receiver, outbox, headers):
    _, thread = conversation
    address = forged(notify_carl(app, client, thread, outbox)["Reply-To"])
    send(receiver, address, "carl@example.org", "Out of office", **headers)
    assert bounces(outbox) == []
    db.session.expire_all()
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mail.reply_ignored"))


def test_bounces_are_rate_limited_per_sender(app, client, conversation, receiver, outbox):
    _, thread = conversation
    address = forged(notify_carl(app, client, thread, outbox)["Reply-To"])
    for _ in range(inbound.BOUNCES_PER_HOUR + 2):
        send(receiver, address, "carl@example.org", "Hello")
    assert len(bounces(outbox)) == inbound.BOUNCES_PER_HOUR


def test_receiver_refuses_other_recipients(receiver):
    with smtplib.SMTP("127.0.0.1", receiver) as smtp:
        smtp.ehlo()
        assert smtp.docmd("MAIL FROM:<a@example.org>")[0] == 250
        assert smtp.docmd("RCPT TO:<someone@reply.example.org>")[0] == 550
        assert smtp.docmd("RCPT TO:<reply+abc@elsewhere.org>")[0] == 550


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("en.txt", "Thanks, I will bring the draft to the meeting."),
        ("de.txt", "Einverstanden, ich schicke die Zahlen bis Freitag."),
        ("sv.txt", "Bra, vi tar det på mötet i Stockholm."),
        ("fi.txt", "Hyvä ehdotus, lisään Suomen luvut."),
        ("pl.txt", "Zgadzam się, przygotuję tłumaczenie."),
        ("outlook.txt", "Yes, the Lithuanian figures are final."),
    ],
)
def test_quotes_and_signatures_are_cut_in_each_language(fixture, expected):
    assert inbound.new_text((FIXTURES / fixture).read_text()) == expected
