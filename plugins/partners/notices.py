"""Who hears of what happens to invitations and guests; never whoever did it."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app, has_request_context, render_template
from flask_login import current_user
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from intranet.plugin_api import User, db, notify, send_mail, utcnow

from .models import Grant, Guest, Invitation


def secretariat() -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.role == "secretariat", User.is_active_account.is_(True))
        )
    )


def local_path(endpoint: str, **values: object) -> str:
    """A link for a notification, inside or outside a request (jobs run without one)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def others_than_actor(users: Iterable[User | None]) -> list[User]:
    """Leave out whoever is acting in this request: nobody is told about their own action."""
    actor_id = current_user.id if has_request_context() and current_user.is_authenticated else None
    return [user for user in users if user is not None and user.id != actor_id]


def responsible_for(sponsor: User | None) -> list[User]:
    """Who looks after a guest or an invitation: its sponsor, or the secretariat once they left."""
    return [sponsor] if sponsor is not None and sponsor.is_active else secretariat()


def announce_acceptance(invitation: Invitation, guest: User) -> None:
    labels = ", ".join(item.label for item in invitation.resources) or "nothing yet"
    notify(
        others_than_actor(responsible_for(invitation.sponsor)),
        "partners.invitation_accepted",
        f"{guest.name} accepted your invitation",
        f"{guest.name} ({invitation.organisation}) now has access to: {labels}.",
        local_path("partners.guest", guest_id=guest.id),
    )


def announce_new_grants(guest: User, grants: list[Grant]) -> None:
    if not grants:
        return
    notify(
        others_than_actor([guest]),
        "partners.grant_added",
        "You have been given access to " + ", ".join(grant.label for grant in grants),
        url=local_path("partners.me"),
    )


def announce_renewal(guest: Guest) -> None:
    notify(
        others_than_actor([guest.user]),
        "partners.access_renewed",
        f"Your access now lasts until {guest.access_ends_on}",
        url=local_path("partners.me"),
    )


def announce_access_ended(guests: list[Guest]) -> None:
    """Tell each guest by mail (they can no longer sign in) and their sponsor in the intranet.

    A guest who chose no notification mails gets none.
    """
    site = current_app.config["SITE_NAME"]
    for guest in guests:
        user = guest.user
        if user.notification_preference != "none":
            send_mail(
                user.email,
                f"{site}: your guest access has ended",
                render_template("partners/mail/access_ended.txt", guest=guest, site=site),
            )
        notify(
            others_than_actor(responsible_for(guest.sponsor)),
            "partners.access_ended",
            f"Guest access of {user.name} has ended",
            f"{user.name} ({guest.organisation}) could use the intranet until "
            f"{guest.access_ends_on}. Renew it to let them back in.",
            local_path("partners.guest", guest_id=user.id),
        )


def announce_expired_invitations() -> int:
    """Tell the sponsor, once per invitation, that it expired unaccepted; idempotent.

    Each invitation is claimed before anyone is notified, so two hosts running the job at
    once never tell a sponsor twice.
    """
    now = utcnow()
    expired = db.session.scalars(
        select(Invitation)
        .where(
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at <= now,
            Invitation.expiry_notified_at.is_(None),
        )
        .options(selectinload(Invitation.sponsor))
    ).all()
    told = 0
    for invitation in expired:
        claimed = db.session.execute(
            update(Invitation)
            .where(Invitation.id == invitation.id, Invitation.expiry_notified_at.is_(None))
            .values(expiry_notified_at=now)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        if claimed.rowcount != 1:
            continue
        notify(
            responsible_for(invitation.sponsor),
            "partners.invitation_expired",
            f"The invitation to {invitation.name} expired unaccepted",
            f"{invitation.name} ({invitation.organisation}) did not accept the invitation sent on "
            f"{invitation.sent_at.date()}. Resend it if they still want to take part.",
            local_path("partners.index"),
        )
        told += 1
    return told
