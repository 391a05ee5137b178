"""Outgoing mail: built here, queued in the caller's transaction, delivered by the outbox.

`send_mail` never talks to SMTP: it adds the finished message to the database session of the
request or job that causes it (`intranet.platform.outbox`), and a sender delivers it within
seconds after the commit, by SMTP when INTRANET_SMTP_HOST is set, otherwise as an .eml file in
INTRANET_MAIL_OUTBOX. A mail that is never committed is never sent.
"""

from __future__ import annotations

import base64
import logging
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from typing import NamedTuple
from urllib.parse import urlsplit

from flask import current_app

from intranet.platform import outbox

log = logging.getLogger(__name__)


def external_url(endpoint: str, **values: object) -> str:
    """An absolute link under INTRANET_BASE_URL, inside or outside a request (CLI, jobs)."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)


class MailError(Exception):
    """Kept for plugins that still catch it: `send_mail` queues and no longer raises it."""


class MailAttachment(NamedTuple):
    """A file carried by a mail: an .ics invitation, a PDF report."""

    filename: str
    content_type: str
    data: bytes


def one_line(value: str) -> str:
    """A header value on one line: line breaks (a title or name typed with CR/LF) become spaces."""
    return " ".join(value.split())


def printable(value: str) -> str:
    """`value` with control characters and lone surrogates replaced, safe to store and show."""
    return "".join(char if char.isprintable() else "?" for char in str(value))


def new_message_id() -> str:
    return make_msgid(domain=current_app.config["MAIL_FROM"].rpartition("@")[2] or None)


def build_message(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    *,
    attachments: tuple[MailAttachment, ...] | list[MailAttachment] = (),
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
    date: datetime | None = None,
) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = one_line(to)
    message["Subject"] = one_line(subject)
    message["Date"] = format_datetime(date or datetime.now(UTC))
    message["Message-ID"] = message_id or new_message_id()
    message.set_content(text)
    for name, value in (headers or {}).items():
        del message[name]
        message[name] = one_line(value)
    if html:
        message.add_alternative(html, subtype="html")
    for attachment in attachments:
        kind, *parameters = (part.strip() for part in attachment.content_type.split(";"))
        maintype, _, subtype = kind.partition("/")
        message.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
            params=dict(p.partition("=")[::2] for p in parameters if "=" in p),
        )
    return message


def send_mail(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    *,
    attachments: tuple[MailAttachment, ...] | list[MailAttachment] = (),
    headers: dict[str, str] | None = None,
) -> None:
    """Queue one mail in the current transaction; it goes out once the caller commits.

    Never raises for mail reasons: a mail that cannot be built (an address the mail library
    refuses) is logged by the sender and listed as failed for admins.
    """
    queue_mail(to, subject, text, html, attachments=attachments, headers=headers)


def queue_mail(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    *,
    attachments: tuple[MailAttachment, ...] | list[MailAttachment] = (),
    headers: dict[str, str] | None = None,
    category: str = "",
) -> outbox.OutgoingMail:
    """`send_mail`, returning the queued row; `category` lets a feature count its own mails.

    The parts are stored and the MIME message is built by the sender, with the Message-ID and
    date fixed here: building 50 messages would cost a request about half a second.
    """
    content = {
        "to": to,
        "subject": subject,
        "text": text,
        "html": html,
        "headers": dict(headers or {}),
        "attachments": [
            [item.filename, item.content_type, base64.b64encode(item.data).decode("ascii")]
            for item in attachments
        ],
    }
    return outbox.enqueue(
        new_message_id(), printable(one_line(to)), printable(one_line(subject)), content, category
    )


def render(row: outbox.OutgoingMail) -> bytes:
    """The message of a queued mail as the SMTP server receives it (CRLF line ends)."""
    content = row.content
    message = build_message(
        content["to"],
        content["subject"],
        content["text"],
        content["html"],
        attachments=[
            MailAttachment(name, kind, base64.b64decode(data))
            for name, kind, data in content["attachments"]
        ],
        headers=content["headers"],
        message_id=row.message_id,
        date=row.created_at,
    )
    return message.as_bytes(policy=SMTP)
