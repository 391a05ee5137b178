"""Invitation and change mails that carry an iCalendar invitation (invite.ics), so that mail
clients add the meeting to the invitee's calendar and keep it up to date: METHOD:REQUEST with
the meeting's stable UID and its SEQUENCE (raised on every change), METHOD:CANCEL when it, or
one occurrence of a series, is cancelled."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from flask import current_app

from intranet.plugin_api import (
    MailAttachment,
    Notification,
    NotifyResult,
    User,
    db,
    external_url,
    notify,
    send_mail,
    utcnow,
)

from .calendar import Occurrence
from .models import Meeting


def host() -> str:
    return urlsplit(external_url("meetings.index")).hostname or "intranet"


def meeting_url(meeting: Meeting, day: date | None = None) -> str:
    """The full address of a meeting, or of one occurrence of its series."""
    if day is None:
        return external_url("meetings.show", meeting_id=meeting.id)
    return external_url("meetings.show_occurrence", meeting_id=meeting.id, day=day.isoformat())


def organizer() -> tuple[str, str]:
    """The sender of the invitations: the site's own address, under the site's name."""
    name, address = parseaddr(current_app.config["MAIL_FROM"])
    return address or "intranet@localhost", name or current_app.config["SITE_NAME"]


def mail_body(title: str, text: str, url: str, cancel: bool) -> str:
    link = current_app.config["BASE_URL"] + url if url.startswith("/") else url
    calendar = (
        "The attached calendar message removes it from your calendar."
        if cancel
        else "The attached invitation adds the meeting to your calendar, or updates it there. "
        "Please answer on the intranet."
    )
    return f"{title}\n\n{text}\n\n{link}\n\n{calendar}\n"


def calendar_notice(
    users: Iterable[User],
    actor: Any,
    kind: str,
    title: str,
    text: str,
    url: str,
    meeting: Meeting,
    cancel: Occurrence | bool = False,
) -> NotifyResult:
    """Tell `users` (not the actor) about the meeting. Those who want mail at once get one
    mail with the invitation attached, and the notification stored as mailed; the others are
    notified as usual (in the app, in their digest)."""
    actor_id = getattr(actor, "id", None)
    recipients = [user for user in users if user.id != actor_id and user.is_active]
    at_once = [user for user in recipients if user.notification_preference == "immediate"]
    others = [user for user in recipients if user.notification_preference != "immediate"]
    result = notify(others, kind, title, text, url) if others else NotifyResult()
    if not at_once:
        return result
    now = utcnow()
    db.session.add_all(
        Notification(
            user_id=user.id, kind=kind, title=title[:200], text=text, url=url, emailed_at=now
        )
        for user in at_once
    )
    result.stored += len(at_once)
    from .ics import invitation  # only mails with a calendar pay for icalendar

    method = "CANCEL" if cancel else "REQUEST"
    subject = f"{current_app.config['SITE_NAME']}: {title}"
    body = mail_body(title, text, url, bool(cancel))
    for user in at_once:
        data = invitation(
            meeting,
            host(),
            meeting_url,
            organizer=organizer(),
            attendee=(user.email, user.name),
            cancel=cancel,
        )
        attachment = MailAttachment("invite.ics", f"text/calendar; method={method}", data)
        # Queued with the notifications it stands for: both are saved, or neither.
        send_mail(user.email, subject, body, attachments=[attachment])
        result.mailed.append(user.email)
    db.session.commit()
    return result
