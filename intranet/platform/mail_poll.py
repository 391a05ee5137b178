"""IMAP polling, for organisations that can give the intranet a mailbox but not a route:
`flask intranet mail-poll` fetches the unseen mail of INTRANET_IMAP_FOLDER and hands each
message to the same pipeline as `mail-receiver` (intranet.platform.inbound).

Several hosts may poll the same mailbox: each message is claimed by its Message-ID in
`mail_inbound_claim`, in the transaction of the first thing done about it, so it is posted
(or bounced) once. A message is marked seen (and moved to INTRANET_IMAP_DONE_FOLDER, when
set) only once handled; one whose handling failed stays unseen and is tried again.
"""

from __future__ import annotations

import hashlib
import imaplib
import logging
import ssl
import time
from collections import Counter
from datetime import datetime
from email.message import EmailMessage
from email.utils import getaddresses

import click
from flask import current_app
from sqlalchemy import String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from intranet.extensions import db
from intranet.models import UTCDateTime, utcnow
from intranet.platform import audit, inbound, replies

log = logging.getLogger(__name__)
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "To", "Cc")


class InboundClaim(db.Model):
    """A fetched message some host handles or handled; the key makes it once."""

    __tablename__ = "mail_inbound_claim"

    message_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def message_key(message: EmailMessage, raw: bytes) -> str:
    """The Message-ID, or a digest of the whole mail when it has none (or an absurd one)."""
    message_id = str(message.get("Message-ID", "")).strip()
    if message_id and len(message_id) <= 255:
        return message_id
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def reply_recipient(message: EmailMessage) -> str | None:
    """The reply address the mail was sent to: the mailbox keeps no envelope, so the headers
    that name recipients are read, the delivery ones first."""
    for header in RECIPIENT_HEADERS:
        for _, address in getaddresses([str(value) for value in message.get_all(header, [])]):
            if replies.token_from_address(address) is not None:
                return address
    return None


def handle(raw: bytes) -> str:
    """Claim and handle one fetched message; "duplicate" when another poll claimed it."""
    message = inbound.parse(raw)
    db.session.add(InboundClaim(message_key=message_key(message, raw)))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    try:
        recipient = reply_recipient(message)
        if recipient is None:
            audit.record(
                "mail.reply_ignored",
                current_app.config["IMAP_FOLDER"],
                reason="not sent to a reply address",
                sender=inbound.sender_address(message),
                message_id=str(message.get("Message-ID", "")),
            )
            db.session.commit()
            return "ignored"
        return inbound.receive(raw, recipient)
    except Exception:
        db.session.rollback()
        raise


def quoted(folder: str) -> str:
    """A folder name as IMAP wants it (imaplib sends arguments as they are)."""
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def connect() -> imaplib.IMAP4:
    config = current_app.config
    host, port = config["IMAP_HOST"], config["IMAP_PORT"]
    context = ssl.create_default_context()
    if config["IMAP_SSL"]:
        connection = imaplib.IMAP4_SSL(host, port, ssl_context=context, timeout=30)
    else:
        connection = imaplib.IMAP4(host, port, timeout=30)
        if config["IMAP_STARTTLS"]:
            connection.starttls(ssl_context=context)
    connection.login(config["IMAP_USER"], config["IMAP_PASSWORD"])
    return connection


def poll() -> Counter[str]:
    """One pass over the unseen mail of the folder; counts what happened to the messages."""
    config = current_app.config
    outcomes: Counter[str] = Counter()
    connection = connect()
    try:
        status, _ = connection.select(quoted(config["IMAP_FOLDER"]))
        if status != "OK":
            raise click.ClickException(f"The mailbox has no folder {config['IMAP_FOLDER']}.")
        done = config["IMAP_DONE_FOLDER"]
        # UIDs, not message numbers: another host moving mail away renumbers the messages.
        _, found = connection.uid("SEARCH", "UNSEEN")
        for uid in (found[0] or b"").split():
            try:
                # BODY.PEEK[] leaves the message unseen until it was handled.
                _, data = connection.uid("FETCH", uid, "(BODY.PEEK[])")
                if not data or not isinstance(data[0], tuple):
                    continue  # gone: another host moved it away meanwhile
                outcome = handle(data[0][1])
            except Exception:
                log.exception("mail %s in %s could not be handled", uid, config["IMAP_FOLDER"])
                outcomes["failed"] += 1
                continue
            outcomes[outcome] += 1
            connection.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            if done:
                connection.uid("COPY", uid, quoted(done))
                connection.uid("STORE", uid, "+FLAGS", "(\\Deleted)")
        if done:
            connection.expunge()
    finally:
        connection.logout()
    return outcomes


@click.command("mail-poll")
@click.option(
    "--every", type=float, default=0, help="Poll again after this many seconds, until stopped."
)
def mail_poll_command(every: float) -> None:
    """Fetch replies to notification mails from the INTRANET_IMAP_* mailbox and post them."""
    config = current_app.config
    if not replies.reply_domain():
        raise click.ClickException("Set INTRANET_REPLY_DOMAIN first.")
    if not config["IMAP_HOST"]:
        raise click.ClickException("Set INTRANET_IMAP_HOST (and the other INTRANET_IMAP_*).")
    while True:
        try:
            outcomes = poll()
        except (OSError, imaplib.IMAP4.error) as error:
            if not every:
                raise click.ClickException(f"The mailbox could not be read: {error}") from None
            # Polling on: a mail server that is down for a while is tried again, not fatal.
            log.warning("the mailbox could not be read: %s", error)
            outcomes = Counter()
        summary = ", ".join(f"{count} {what}" for what, count in sorted(outcomes.items()))
        click.echo(summary or "no new mail")
        if not every:
            return
        db.session.remove()
        time.sleep(every)
