"""Outgoing mail: SMTP when INTRANET_SMTP_HOST is set, otherwise .eml files in the outbox."""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from flask import current_app

log = logging.getLogger(__name__)


def external_url(endpoint: str, **values: object) -> str:
    """An absolute link under INTRANET_BASE_URL, inside or outside a request (CLI, jobs)."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)


class MailError(Exception):
    """Mail could not be handed to the SMTP server or written to the outbox."""


class MailAttachment(NamedTuple):
    """A file carried by a mail: an .ics invitation, a PDF report."""

    filename: str
    content_type: str
    data: bytes


def one_line(value: str) -> str:
    """A header value on one line: line breaks (a title or name typed with CR/LF) become spaces."""
    return " ".join(value.split())


def build_message(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    *,
    attachments: tuple[MailAttachment, ...] | list[MailAttachment] = (),
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = one_line(to)
    message["Subject"] = one_line(subject)
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2] or None)
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
    """Send one mail now. Raises MailError (already logged) so the caller can tell the user.

    A mail that cannot even be built (e.g. an address the mail library refuses) is a MailError
    too: callers have saved their data already, and only MailError is theirs to handle.
    """
    try:
        message = build_message(to, subject, text, html, attachments=attachments, headers=headers)
    except (ValueError, TypeError, LookupError) as error:
        log.exception("mail to %r (%r) could not be built", to, subject)
        raise MailError(str(error)) from error
    config = current_app.config
    try:
        if config["SMTP_HOST"]:
            _send_smtp(message)
        else:
            _write_outbox(message, Path(config["MAIL_OUTBOX"]))
    except (OSError, smtplib.SMTPException) as error:
        log.error("mail to %s (%s) failed: %s", to, subject, error)
        raise MailError(str(error)) from error


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=15) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["SMTP_USER"]:
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
        smtp.send_message(message)


def _write_outbox(message: EmailMessage, outbox: Path) -> None:
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = outbox / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(message.as_bytes())
    temporary.replace(path)
