"""Domain operations on invitations and grants, shared by the views, hooks, jobs and CLI."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template
from sqlalchemy import select, update

from intranet.plugin_api import (
    GrantableResource,
    ResourceRef,
    User,
    db,
    external_url,
    notify_event,
    organisation_for,
    record_audit,
    send_mail,
    utcnow,
)

from .models import KIND_LABELS, Grant, Guest, Invitation, InvitationResource
from .rules import forget_access, grants_of
from .settings import latest_access_end, setting, today

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
    for name in ("name", "organisation"):
        if name not in invitee.errors and any(ch in getattr(invitee, name) for ch in "\r\n"):
            invitee.errors[name] = "Use a single line here: line breaks are not allowed."
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


def deactivated_accounts(emails: Iterable[str]) -> list[str]:
    """The addresses among `emails` whose account is deactivated, which no invitation reopens."""
    emails = {email.strip().lower() for email in emails}
    if not emails:
        return []
    return sorted(
        db.session.scalars(
            select(User.email).where(User.email.in_(emails), User.is_active_account.is_(False))
        )
    )


def access_end_problem(day: date | None) -> str | None:
    if day is None:
        return "Enter the date access ends, as YYYY-MM-DD."
    if day < today():
        return "The access end date is in the past. Choose a date from today on."
    if day > latest_access_end():
        return (
            f"Guest access lasts at most {setting('max_access_months')} months: choose a date "
            f"until {latest_access_end().isoformat()}."
        )
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


def send_invitation_mail(invitation: Invitation, token: str) -> None:
    """Queue the invitation link in the current transaction (the caller commits)."""
    site = current_app.config["SITE_NAME"]
    context = {
        "invitation": invitation,
        "link": external_url("partners_invite.accept", token=token),
        "site": site,
        "days": int(setting("invitation_valid_days")),
    }
    send_mail(
        invitation.email,
        f"{site}: {invitation.sponsor.name if invitation.sponsor else 'the task force'} "
        "invites you",
        render_template("partners/mail/invitation.txt", **context),
    )


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


def accept(
    invitation: Invitation, account: User | None, password_hash: str | None = None
) -> tuple[User, bool]:
    """Add the invited grants to `account`, or to a new guest account with `password_hash`.

    An existing account is the one the invitation was sent to, signed in by its owner: an
    invitation never signs anyone in and never reactivates an account (the caller refuses a
    deactivated one). Guests have no delegation, so the account keeps no country code. The
    caller has claimed the invitation and commits. Returns (user, whether it is new).
    """
    created = account is None
    if account is None:
        user = User(
            email=invitation.email, name=invitation.name, role="guest", password_hash=password_hash
        )
        db.session.add(user)
        db.session.flush()
        record_audit("user.created", target=f"user:{user.id}", actor=user, role="guest")
        user.last_login_at = utcnow()
    else:
        user = account
        user.country_code = None
    user.organisation_id = organisation_for(invitation.organisation, invitation.organisation_kind)
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
    record_audit(
        "partners.invitation.accepted",
        target=f"invitation:{invitation.id}",
        actor=user,
        new_account=created,
    )
    return user, created


# --- grants ------------------------------------------------------------------------------------


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
            # The one who granted, also when the guest's acceptance of an invitation applies it.
            actor=db.session.get(User, granted_by_id) if granted_by_id else None,
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
