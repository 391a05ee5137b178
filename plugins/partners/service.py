"""The rules of partner invitations and guest access, shared by the views, jobs and CLI."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app, g, has_request_context, render_template
from flask_login import current_user
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from intranet.plugin_api import (
    GrantableResource,
    MailError,
    ResourceRef,
    Setting,
    User,
    can,
    collect,
    db,
    external_url,
    notify,
    notify_event,
    record_audit,
    send_mail,
    utcnow,
)
from intranet.plugin_api import (
    setting as plugin_setting,
)

from .models import KIND_LABELS, Grant, Guest, Invitation, InvitationResource

SETTINGS = [
    Setting(
        "inviter_roles",
        "Roles that may invite partners",
        "list",
        ["secretariat", "admin"],
        "Others may invite only where another plugin allows it (e.g. a convenor for their group).",
        choices=(("member", "Members"), ("secretariat", "Secretariat"), ("admin", "Admins")),
    ),
    Setting(
        "invitation_valid_days",
        "Days an invitation link stays valid",
        "int",
        14,
        minimum=1,
        maximum=90,
    ),
    Setting(
        "default_access_months",
        "Default length of guest access, in months",
        "int",
        6,
        minimum=1,
        maximum=36,
    ),
    Setting(
        "reminder_days",
        "Days before access ends that the sponsor is reminded",
        "int",
        14,
        minimum=1,
        maximum=90,
    ),
]


def setting(key: str) -> Any:
    """A setting's value as the admin set it (else `PARTNERS_<KEY>` in the config, else default)."""
    return plugin_setting("partners", key)


def today() -> date:
    return utcnow().date()


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last_day in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=last_day)
        except ValueError:
            continue
    raise ValueError(day)


def default_access_end() -> date:
    return add_months(today(), int(setting("default_access_months")))


# --- tokens ----------------------------------------------------------------------------------


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


def find_invitation(token: str) -> Invitation | None:
    """The invitation a link's token belongs to, whatever its state; None for unknown tokens."""
    if not token or len(token) > 200:
        return None
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == token_digest(token)))


# --- who may invite, and what ------------------------------------------------------------------


def inviter_grantables(user: User) -> list[GrantableResource]:
    """The resources `user` may grant: those offered to them that they may invite to."""
    if not user.is_authenticated or user.is_guest:
        return []
    cache = g.setdefault("partners_grantables", {})
    if user.id not in cache:
        offered = collect("intranet_grantable_resources", user=user)
        if user.role in setting("inviter_roles"):
            cache[user.id] = offered
        else:
            cache[user.id] = [
                item for item in offered if can(user, "partners.invite", item.ref, roles=())
            ]
    return cache[user.id]


def may_invite(user: User) -> bool:
    if not user.is_authenticated or user.is_guest:
        return False
    if user.role in setting("inviter_roles"):
        return True
    return can(user, "partners.invite", None, roles=()) or bool(inviter_grantables(user))


def shows_partners_menu(user: User) -> bool:
    """Whether the menu and the dashboard offer Partners: inviter roles, or a plugin's yes to
    `partners.invite` without a resource.

    Asked on every page, so it never lists the grantable resources as `may_invite` does
    (thousands of meetings and lessons at scale, each with a permission check).
    """
    if not user.is_authenticated or user.is_guest:
        return False
    return user.role in setting("inviter_roles") or can(user, "partners.invite", None, roles=())


def resource_key(ref: ResourceRef) -> str:
    return f"{ref.kind}:{ref.id}"


# --- checking an invitation --------------------------------------------------------------------


@dataclass
class Invitee:
    """One person to invite, as typed in the form or a row of a pasted list."""

    name: str
    email: str
    organisation: str
    organisation_kind: str
    errors: dict[str, str] = field(default_factory=dict)


def check_invitee(invitee: Invitee, pending_emails: Iterable[str] = ()) -> Invitee:
    """Normalise and check a person to invite; problems land in `invitee.errors` by field."""
    invitee.name = invitee.name.strip()
    invitee.organisation = invitee.organisation.strip()
    if not invitee.name:
        invitee.errors["name"] = "Enter the person's name."
    if not invitee.organisation:
        invitee.errors["organisation"] = "Enter the organisation."
    if invitee.organisation_kind not in KIND_LABELS:
        invitee.errors["organisation_kind"] = "Choose one of: " + ", ".join(KIND_LABELS.values())
    try:
        invitee.email = validate_email(
            invitee.email.strip(), check_deliverability=False
        ).normalized.lower()
    except EmailNotValidError:
        invitee.errors["email"] = "Enter a valid email address, like name@example.org."
        return invitee
    role = db.session.scalar(select(User.role).where(User.email == invitee.email))
    if role is not None and role != "guest":
        invitee.errors["email"] = (
            "This address belongs to a member of the task force, who needs no invitation."
        )
    elif invitee.email in set(pending_emails):
        invitee.errors["email"] = (
            "An invitation to this address is still pending: resend it from the list instead."
        )
    return invitee


def pending_invitation_emails(emails: Iterable[str]) -> set[str]:
    emails = {email.strip().lower() for email in emails}
    if not emails:
        return set()
    return set(
        db.session.scalars(
            select(Invitation.email).where(
                Invitation.email.in_(emails),
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
        )
    )


def access_end_problem(day: date | None) -> str | None:
    if day is None:
        return "Enter the date access ends, as YYYY-MM-DD."
    if day < today():
        return "The access end date is in the past. Choose a date from today on."
    return None


def refuse(action: str, target: str, **details: object) -> None:
    """Log a refused attempt in the audit log; nothing else is stored."""
    db.session.rollback()
    record_audit(action, target=target, **details)
    db.session.commit()


# --- inviting ----------------------------------------------------------------------------------


def create_invitation(
    invitee: Invitee,
    *,
    sponsor: User,
    message: str,
    resources: list[GrantableResource],
    access_ends_on: date,
) -> tuple[Invitation, str]:
    """Store an invitation (the caller commits); returns it with the link's token."""
    token, digest = new_token()
    now = utcnow()
    invitation = Invitation(
        email=invitee.email,
        name=invitee.name,
        organisation=invitee.organisation,
        organisation_kind=invitee.organisation_kind,
        message=message.strip(),
        sponsor_id=sponsor.id,
        access_ends_on=access_ends_on,
        token_hash=digest,
        created_at=now,
        sent_at=now,
        expires_at=now + timedelta(days=int(setting("invitation_valid_days"))),
        resources=[
            InvitationResource(
                resource_kind=item.ref.kind, resource_id=item.ref.id, label=item.label, url=item.url
            )
            for item in resources
        ],
    )
    db.session.add(invitation)
    db.session.flush()
    record_audit(
        "partners.invitation.created",
        target=f"invitation:{invitation.id}",
        actor=sponsor,
        email=invitation.email,
        organisation=invitation.organisation,
        resources=[resource_key(item.ref) for item in resources],
        access_ends_on=access_ends_on.isoformat(),
    )
    return invitation, token


def send_invitation_mail(invitation: Invitation, token: str) -> bool:
    """Mail the invitation link; False (already logged) when the mail could not be sent."""
    site = current_app.config["SITE_NAME"]
    context = {
        "invitation": invitation,
        "link": external_url("partners_invite.accept", token=token),
        "site": site,
        "days": int(setting("invitation_valid_days")),
    }
    try:
        send_mail(
            invitation.email,
            f"{site}: {invitation.sponsor.name if invitation.sponsor else 'the task force'} "
            "invites you",
            render_template("partners/mail/invitation.txt", **context),
        )
    except MailError:
        return False
    return True


def resend(invitation: Invitation, actor: User) -> str:
    """Give the invitation a new token (the old link dies) and a new validity period."""
    token, digest = new_token()
    now = utcnow()
    invitation.token_hash = digest
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=int(setting("invitation_valid_days")))
    invitation.revoked_at = None
    invitation.expiry_notified_at = None
    record_audit("partners.invitation.resent", target=f"invitation:{invitation.id}", actor=actor)
    return token


def revoke(invitation: Invitation, actor: User) -> None:
    invitation.revoked_at = utcnow()
    record_audit("partners.invitation.revoked", target=f"invitation:{invitation.id}", actor=actor)


# --- accepting ---------------------------------------------------------------------------------


def claim(invitation: Invitation) -> bool:
    """Mark the invitation accepted; False when it was used, revoked or expired meanwhile."""
    now = utcnow()
    result = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(accepted_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def accept(invitation: Invitation, password_hash: str | None) -> tuple[User, bool]:
    """Create the guest account (or reuse the existing guest's) and add the invited grants.

    The caller has claimed the invitation and commits. Returns (user, whether it is new).
    """
    user = db.session.scalar(select(User).where(User.email == invitation.email))
    created = user is None
    if user is None:
        user = User(
            email=invitation.email, name=invitation.name, role="guest", password_hash=password_hash
        )
        db.session.add(user)
        db.session.flush()
        record_audit("user.created", target=f"user:{user.id}", actor=user, role="guest")
    elif not user.is_active_account:
        user.is_active_account = True
        user.deactivated_at = None
        record_audit("partners.guest.reactivated", target=f"user:{user.id}", actor=user)
    guest = db.session.get(Guest, user.id)
    if guest is None:
        guest = Guest(
            user_id=user.id,
            organisation=invitation.organisation,
            organisation_kind=invitation.organisation_kind,
            sponsor_id=invitation.sponsor_id,
            access_ends_on=invitation.access_ends_on,
        )
        db.session.add(guest)
    else:
        if guest.ended_at is not None or guest.access_ends_on < invitation.access_ends_on:
            guest.access_ends_on = invitation.access_ends_on
        guest.ended_at = None
        if guest.sponsor is None or not guest.sponsor.is_active:
            guest.sponsor_id = invitation.sponsor_id
            guest.sponsor_flagged_at = None
    invitation.guest_id = user.id
    add_grants(
        user,
        [GrantableResource(item.ref, item.label, item.url) for item in invitation.resources],
        granted_by_id=invitation.sponsor_id,
    )
    user.last_login_at = utcnow()
    record_audit(
        "partners.invitation.accepted",
        target=f"invitation:{invitation.id}",
        actor=user,
        new_account=created,
    )
    return user, created


# --- grants ------------------------------------------------------------------------------------


def grants_of(user_id: int) -> list[Grant]:
    return list(
        db.session.scalars(select(Grant).where(Grant.guest_id == user_id).order_by(Grant.id))
    )


def add_grants(
    guest: User, resources: list[GrantableResource], granted_by_id: int | None
) -> list[Grant]:
    """Grant `resources` to `guest`, skipping those already granted (the caller commits)."""
    have = {grant.ref for grant in grants_of(guest.id)}
    added = []
    for item in resources:
        if item.ref in have:
            continue
        have.add(item.ref)
        grant = Grant(
            guest_id=guest.id,
            resource_kind=item.ref.kind,
            resource_id=item.ref.id,
            label=item.label,
            url=item.url,
            granted_by_id=granted_by_id,
        )
        db.session.add(grant)
        added.append(grant)
    if added:
        record_audit(
            "partners.grants.added",
            target=f"user:{guest.id}",
            resources=[resource_key(grant.ref) for grant in added],
        )
    forget_access()
    return added


def remove_grant(grant: Grant) -> None:
    record_audit(
        "partners.grants.removed", target=f"user:{grant.guest_id}", resource=resource_key(grant.ref)
    )
    db.session.delete(grant)
    forget_access()


def announce_grants(guest: User) -> None:
    """Tell every plugin the guest's full set of grants (after the change is committed)."""
    notify_event(
        "intranet_guest_grants_changed",
        guest=guest,
        granted=[grant.ref for grant in grants_of(guest.id)],
    )


def forget_access() -> None:
    """Drop this request's cached grants and co-workers after a change to them."""
    g.pop("partners_guest_grants", None)
    g.pop("partners_co_workers", None)


def co_workers(user: User) -> list[User]:
    """The people a guest works with: the members of every resource granted to them now.

    Asked of the plugins owning the resources (hook `intranet_resource_members`), once per
    request and guest.
    """
    cache = g.setdefault("partners_co_workers", {})
    if user.id not in cache:
        people: dict[int, User] = {}
        for ref in sorted(active_grants(user), key=lambda ref: (ref.kind, ref.id)):
            for person in collect("intranet_resource_members", resource=ref):
                if person.id != user.id and person.is_active:
                    people.setdefault(person.id, person)
        cache[user.id] = sorted(people.values(), key=lambda person: person.name.lower())
    return cache[user.id]


def co_worker_ids(user: User) -> frozenset[int]:
    return frozenset(person.id for person in co_workers(user))


def active_grants(user: User) -> frozenset[ResourceRef]:
    """What a guest may reach now: nothing once the access end date has passed."""
    cache = g.setdefault("partners_guest_grants", {})
    if user.id not in cache:
        guest = db.session.get(Guest, user.id)
        if guest is None or guest.ended_at is not None or guest.access_ends_on < today():
            cache[user.id] = frozenset()
        else:
            cache[user.id] = frozenset(grant.ref for grant in grants_of(user.id))
    return cache[user.id]


# --- end of access -----------------------------------------------------------------------------


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
            try:
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
            except MailError:
                continue
            sent += 1
        guest.reminded_for = guest.access_ends_on
        record_audit("partners.guest.reminder_sent", target=f"user:{guest.user_id}", actor=None)
    db.session.commit()
    return sent


def renew(guest: Guest, until: date, actor: User) -> None:
    previous = guest.access_ends_on
    guest.access_ends_on = until
    guest.reminded_for = None
    record_audit(
        "partners.guest.renewed",
        target=f"user:{guest.user_id}",
        actor=actor,
        previous=previous.isoformat(),
        until=until.isoformat(),
    )
    forget_access()


def secretariat() -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.role == "secretariat", User.is_active_account.is_(True))
        )
    )


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


# --- notifications -----------------------------------------------------------------------------


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
            with suppress(MailError):  # send_mail has logged it
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
