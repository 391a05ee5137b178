"""Replies to notification mails, as a mail client writes them, for the reply-by-mail tests."""

from __future__ import annotations

from email.message import EmailMessage

QUOTE = "\n\nOn Thu, 3 Dec 2026 at 14:02, Task Force Intranet <intranet@localhost> wrote:\n> Hi\n"


def reply_mail(
    to: str,
    sender: str,
    text: str,
    files: tuple[tuple[str, str, bytes], ...] = (),
    message_id: str = "<reply-1@mail.example.org>",
) -> EmailMessage:
    """A reply to `to` from `sender`, its new `text` above a quoted original."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = "Re: your notification"
    message["Message-ID"] = message_id
    message.set_content(text + QUOTE)
    for name, kind, data in files:
        maintype, _, subtype = kind.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message


def bounces(messages: list[EmailMessage]) -> list[EmailMessage]:
    return [m for m in messages if m["Subject"].startswith("Not posted")]


def mails_to(messages: list[EmailMessage], address: str) -> list[EmailMessage]:
    return [m for m in messages if m["To"] == address]
