"""How the partners plugin's audit events read, and the names of the invitations they refer to."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from intranet.plugin_api import AuditKind, AuditTarget, audit_ref_ids, db

from .models import Invitation

K = AuditKind

AUDIT_KINDS = [
    K(
        "partners.invitation.created",
        "Invitation sent",
        "{actor} sent an invitation to {target}, with access until {access_ends_on} to {resources}",
    ),
    K("partners.invitation.resent", "Invitation sent again", "{actor} sent {target} a new link"),
    K(
        "partners.invitation.revoked",
        "Invitation revoked",
        "{actor} revoked the invitation of {target}",
    ),
    K(
        "partners.invitation.accepted",
        "Invitation accepted",
        "{actor} accepted the invitation of {target}",
    ),
    K(
        "partners.invitation.refused",
        "Invitation refused",
        "{actor} was stopped on an invitation form that needed correcting",
    ),
    K(
        "partners.invitation.bad_link",
        "Unknown invitation link",
        "Someone used an unknown invitation link",
    ),
    K(
        "partners.invitation.unusable_link",
        "Used invitation link",
        "Someone used the link of the invitation of {target}, which can no longer be used",
    ),
    K(
        "partners.invitation.new_link_requested",
        "New invitation link asked for",
        "A new link was asked for the invitation of {target}",
    ),
    K("partners.grants.added", "Access granted", "{actor} gave {target} access to {resources}"),
    K(
        "partners.grants.removed",
        "Access removed",
        "{actor} removed the access of {target} to {resource}",
    ),
    K(
        "partners.grants.refused",
        "Access refused",
        "{actor} was refused giving {target} access to items they may not share",
    ),
    K(
        "partners.guest.renewed",
        "Guest access renewed",
        "{actor} renewed the access of {target} until {until}",
    ),
    K(
        "partners.guest.renew_refused",
        "Guest renewal refused",
        "{actor} tried to renew the access of {target} to a date that is not allowed",
    ),
    K("partners.guest.reactivated", "Guest reactivated", "{actor} reactivated the guest {target}"),
    K("partners.guest.expired", "Guest access ended", "The access of the guest {target} ended"),
    K(
        "partners.guest.reminder_sent",
        "Guest reminded",
        "The intranet reminded the sponsor of {target} that the access ends soon",
    ),
    K(
        "partners.guest.sponsor_left",
        "Guest without sponsor",
        "The sponsor of the guest {target} left; the secretariat was asked to find a new one",
    ),
]


def audit_targets(refs: list[str]) -> dict[str, AuditTarget]:
    """The invitations among `refs`, named after the invited person and organisation."""
    ids = audit_ref_ids(refs, "invitation")
    if not ids:
        return {}
    return {
        f"invitation:{invitation.id}": AuditTarget(
            f"{invitation.name} ({invitation.organisation})", url_for("partners.index")
        )
        for invitation in db.session.scalars(select(Invitation).where(Invitation.id.in_(ids)))
    }
