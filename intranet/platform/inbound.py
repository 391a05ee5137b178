"""Inbound mail: a reply to a notification becomes a post; bad mail gets one polite bounce.

`flask intranet mail-receiver` is an SMTP server (aiosmtpd) the organisation's mail server
forwards ``reply+*@INTRANET_REPLY_DOMAIN`` to. Each message is checked (token, sender, not
an automatic mail), cut to the new text (quotes and signature removed) and handed to the
plugin owning the target. Every accepted or refused message is in the audit log.
"""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses

import click
import nh3
from flask import Flask, current_app
from mailparser_reply import EmailReplyParser
from sqlalchemy import func, select

from intranet.extensions import db
from intranet.models import AuditEvent, utcnow
from intranet.platform import audit, mail, replies

BOUNCES_PER_HOUR = 5
LANGUAGES = ["en", "de", "sv", "pl", "da", "nl", "fr", "es", "it"]
# Quote headers the parser does not know (Finnish) or misses (Polish), the usual signature
# delimiter and sign-offs on a line of their own (what follows is the signature).
EXTRA_CUTS = [
    re.compile(r"^\s*(?:>\s*)?.{0,200}\bkirjoitti\s*:\s*$", re.MULTILINE),
    re.compile(r"^(?:On|Am|Den)\s.{0,250}\b(?:wrote|schrieb|skrev)\b.{0,200}:\s*$", re.MULTILINE),
    re.compile(r"^\s*W dniu .{0,200}\bnapisał(?:\(a\)|a)?\s*:\s*$", re.MULTILINE),
    re.compile(r"^-- ?$", re.MULTILINE),
    re.compile(
        r"^(?:Best regards|Kind regards|Regards|Best wishes|Mit freundlichen Grüßen|Viele Grüße"
        r"|Med vänliga hälsningar|Vänliga hälsningar|Hälsningar|Ystävällisin terveisin"
        r"|Terveisin|Pozdrawiam|Z poważaniem)[ ,.!]*$",
        re.MULTILINE | re.IGNORECASE,
    ),
]
REFUSALS = {
    replies.Refusal.FORGED: "The address you replied to is not one the intranet gave out.",
    replies.Refusal.EXPIRED: (
        "The address you replied to has expired: reply addresses last 60 days."
    ),
    replies.Refusal.UNKNOWN_USER: "The account this reply address belongs to is not active.",
}


def parse(raw: bytes) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(raw)  # type: ignore[return-value]


def sender_address(message: EmailMessage) -> str:
    addresses = getaddresses([str(message.get("From", ""))])
    return addresses[0][1].strip().lower() if addresses else ""


def is_automatic(message: EmailMessage) -> bool:
    """An auto-reply, a bounce or list mail: never answered, so no loop is possible."""
    submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    return (
        submitted not in ("", "no")
        or precedence in ("bulk", "list", "junk")
        or bool(message.get("List-Id"))
        or not sender_address(message)
        or sender_address(message).startswith(("mailer-daemon@", "postmaster@"))
    )


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = part.get_content()
    if part.get_content_subtype() == "html":
        text = nh3.clean(re.sub(r"(?i)<br\s*/?>|</p>", "\n", text), tags=set())
    return text.replace("\r\n", "\n")


def files(message: EmailMessage) -> list[mail.MailAttachment]:
    """The mail's attached files (not inline parts without a name)."""
    found = []
    for part in message.iter_attachments():
        name = part.get_filename()
        if name:
            data = part.get_payload(decode=True) or b""
            found.append(mail.MailAttachment(name, part.get_content_type(), data))
    return found


def new_text(text: str) -> str:
    """The text the sender wrote: the quoted original and the signature cut off."""
    for pattern in EXTRA_CUTS:
        found = pattern.search(text)
        if found:
            text = text[: found.start()]
    reply = EmailReplyParser(languages=LANGUAGES).parse_reply(text)
    lines = [line for line in (reply or "").splitlines() if not line.startswith(">")]
    return "\n".join(lines).strip()


def size(limit: int) -> str:
    return f"{limit / 2**20:.0f} MB" if limit >= 2**20 else f"{limit / 2**10:.0f} KB"


def recently_bounced(address: str) -> int:
    since = utcnow() - timedelta(hours=1)
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "mail.reply_bounced",
            AuditEvent.target == address,
            AuditEvent.at >= since,
        )
    )


def bounce(message: EmailMessage, reason: str) -> bool:
    """One polite answer saying why nothing was posted; False when rate-limited."""
    address = sender_address(message)
    if recently_bounced(address) >= BOUNCES_PER_HOUR:
        audit.record("mail.reply_bounce_suppressed", address, reason=reason)
        return False
    site = current_app.config["SITE_NAME"]
    subject = str(message.get("Subject", "")) or "your reply"
    text = (
        f"Hello,\n\nyour mail “{subject}” was not posted on {site}.\n\n{reason}\n\n"
        f"Please open {current_app.config['BASE_URL']} and post there, or reply to a newer "
        "notification mail.\n\nThis is an automatic message; replies to it are not read.\n"
    )
    headers = {"Auto-Submitted": "auto-replied"}
    if message.get("Message-ID"):
        headers["In-Reply-To"] = str(message["Message-ID"])
    mail.send_mail(address, f"Not posted: {subject}", text, headers=headers)
    audit.record("mail.reply_bounced", address, reason=reason)
    return True


def receive(raw: bytes, recipient: str) -> str:
    """Handle one message to `recipient`; returns what happened ("posted", "bounced", ...)."""
    message = parse(raw)
    sender = sender_address(message)
    details = {"sender": sender, "message_id": str(message.get("Message-ID", ""))}
    token = replies.token_from_address(recipient)
    if is_automatic(message):
        audit.record("mail.reply_ignored", recipient[:200], reason="automatic", **details)
        db.session.commit()
        return "ignored"
    verified = replies.verify_token(token or "")
    limit = current_app.config["INBOUND_MAX_BYTES"]
    if len(raw) > limit:
        outcome = "oversize"
        reason = (
            f"Your mail is larger than {size(limit)}. Send large files from the intranet's "
            "pages instead."
        )
    elif isinstance(verified, replies.Refusal):
        outcome, reason = verified.value, REFUSALS[verified]
    elif verified.user.email.strip().lower() != sender:
        outcome = "foreign-sender"
        reason = "Replies are accepted only from the address the notification was sent to."
    else:
        text = new_text(body_text(message))
        result = replies.post_reply(verified.target, verified.user, text, files(message))
        if not result.refusal:
            audit.record(
                "mail.reply_posted", verified.target, actor=verified.user, url=result.url, **details
            )
            db.session.commit()
            return "posted"
        outcome, reason = "refused", result.refusal
    audit.record("mail.reply_refused", recipient[:200], outcome=outcome, reason=reason, **details)
    bounce(message, reason)
    db.session.commit()
    return outcome


class ReplyHandler:
    """aiosmtpd handler: accepts reply addresses only, and handles each message in a thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.app.app_context():
            if replies.token_from_address(address) is None:
                return "550 5.1.1 Not a reply address of this intranet"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        loop = asyncio.get_running_loop()
        for recipient in envelope.rcpt_tos:
            await loop.run_in_executor(None, self.deliver, envelope.original_content, recipient)
        return "250 OK"

    def deliver(self, raw: bytes, recipient: str) -> str:
        with self.app.app_context():
            try:
                return receive(raw, recipient)
            finally:
                db.session.remove()


def controller(app: Flask, host: str, port: int, *, lmtp: bool = False):
    from aiosmtpd.controller import Controller
    from aiosmtpd.lmtp import LMTP

    handler = ReplyHandler(app)
    # Mail up to twice INTRANET_INBOUND_MAX_BYTES is taken and answered with a polite bounce;
    # larger mail is refused in the SMTP dialogue (552), and the sender's server says so.
    limit = {"data_size_limit": 2 * app.config["INBOUND_MAX_BYTES"]}
    if lmtp:
        return Controller(handler, hostname=host, port=port, server_class=LMTP, **limit)
    return Controller(handler, hostname=host, port=port, **limit)


@click.command("mail-receiver")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8025, show_default=True, type=int)
@click.option("--lmtp", is_flag=True, help="Speak LMTP instead of SMTP.")
def mail_receiver_command(host: str, port: int, lmtp: bool) -> None:
    """Receive replies to notification mails (reply+*@INTRANET_REPLY_DOMAIN) and post them."""
    if not replies.reply_domain():
        raise click.ClickException("Set INTRANET_REPLY_DOMAIN first.")
    server = controller(current_app._get_current_object(), host, port, lmtp=lmtp)
    server.start()
    click.echo(f"Receiving replies for @{replies.reply_domain()} on {host}:{port}")
    try:
        asyncio.run(asyncio.Event().wait())
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
