"""The end of guest access: expiry (lazy and by the scheduler), reminders, sponsors who leave."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app, render_template
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from intranet.plugin_api import (
    User,
    db,
    external_url,
    notify,
    notify_event,
    plural,
    record_audit,
    send_mail,
    utcnow,
)

from .models import Guest
from .notices import announce_access_ended, local_path, others_than_actor, secretariat
from .rules import forget_access
from .settings import setting, today


def end_access(guest: Guest, reason: str) -> None:
    """Deactivate the guest's account and end its sessions (the caller commits)."""
    user = guest.user
    now = utcnow()
    guest.ended_at = now
    user.is_active_account = False
    user.deactivated_at = now
    user.end_all_sessions()
    record_audit(
        "partners.guest.expired",
        target=f"user:{user.id}",
        actor=None,
        reason=reason,
        access_ended_on=guest.access_ends_on.isoformat(),
    )
    forget_access()


def expire_due_guests() -> int:
    """Deactivate every guest whose access end date has passed; idempotent."""
    due = db.session.scalars(
        select(Guest)
        .join(User, User.id == Guest.user_id)
        .where(Guest.access_ends_on < today(), Guest.ended_at.is_(None))
        .options(selectinload(Guest.user), selectinload(Guest.sponsor))
    ).all()
    for guest in due:
        end_access(guest, reason="access end date passed")
    db.session.commit()
    for guest in due:
        notify_event("intranet_user_deactivated", user=guest.user)
    announce_access_ended(list(due))
    return len(due)


def remind_sponsors() -> int:
    """Mail each sponsor once per end date when a guest's access ends within the reminder days."""
    horizon = today() + timedelta(days=int(setting("reminder_days")))
    due = db.session.scalars(
        select(Guest)
        .where(
            Guest.ended_at.is_(None),
            Guest.access_ends_on >= today(),
            Guest.access_ends_on <= horizon,
        )
        .options(selectinload(Guest.user), selectinload(Guest.sponsor))
    ).all()
    site = current_app.config["SITE_NAME"]
    sent = 0
    for guest in due:
        if guest.reminded_for == guest.access_ends_on:
            continue
        recipients = [guest.sponsor] if guest.sponsor and guest.sponsor.is_active else secretariat()
        link = external_url("partners.guest", guest_id=guest.user_id)
        for recipient in recipients:
            send_mail(
                recipient.email,
                f"{site}: guest access of {guest.user.name} ends on {guest.access_ends_on}",
                render_template(
                    "partners/mail/reminder.txt",
                    guest=guest,
                    recipient=recipient,
                    link=link,
                    site=site,
                ),
            )
            sent += 1
        guest.reminded_for = guest.access_ends_on
        record_audit("partners.guest.reminder_sent", target=f"user:{guest.user_id}", actor=None)
    db.session.commit()
    return sent


def flag_orphaned_guests(sponsor: User) -> None:
    """A sponsor left: flag their guests and tell the secretariat, who must find a new sponsor."""
    guests = db.session.scalars(
        select(Guest)
        .where(Guest.sponsor_id == sponsor.id, Guest.ended_at.is_(None))
        .options(selectinload(Guest.user))
    ).all()
    if not guests:
        return
    now = utcnow()
    for guest in guests:
        guest.sponsor_flagged_at = now
        record_audit(
            "partners.guest.sponsor_left",
            target=f"user:{guest.user_id}",
            actor=None,
            sponsor=sponsor.id,
        )
    db.session.commit()
    names = "; ".join(f"{guest.user.name} ({guest.organisation})" for guest in guests)
    notify(
        others_than_actor(secretariat()),
        "partners.sponsor_left",
        f"Guests of {sponsor.name} need a new sponsor",
        f"{sponsor.name}'s account was deactivated. They sponsored: {names}.",
        local_path("partners.index"),
    )


@click.command("expire-guests")
@with_appcontext
def expire_guests_command() -> None:
    """End the access of every guest whose access end date has passed."""
    ended = expire_due_guests()
    click.echo(f"{plural(ended, 'guest account')} deactivated")
