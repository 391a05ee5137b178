"""Demo data of the partners plugin: guests of four partner organisations and two invitations."""

from __future__ import annotations

from datetime import timedelta

from intranet.plugin_api import (
    GrantableResource,
    User,
    db,
    grantable_resources,
    organisation_for,
    utcnow,
)

from .models import Grant, Guest
from .service import Invitee, create_invitation
from .settings import add_months, setting, today

DEMO_GUESTS = [
    ("Astrid Nilsen", "astrid.nilsen", "Nordic Council of Ministers", "nordic_council"),
    ("Giulia Ferrari", "giulia.ferrari", "IOM (UN Migration)", "un"),
    ("Olena Kovalenko", "olena.kovalenko", "OSCE Office of the Special Representative", "osce"),
    ("Lina Berg", "lina.berg", "La Strada International (NGO)", "ngo"),
]


def demo_data(users: dict[str, User]) -> None:
    """Four guests, each granted one of whatever other plugins offer (maybe nothing)."""
    sponsor = users["secretariat"]
    domain = sponsor.email.partition("@")[2]
    offered = grantable_resources(sponsor)
    ends = add_months(today(), 6)
    for index, (name, local, organisation, kind) in enumerate(DEMO_GUESTS):
        user = User(
            email=f"{local}@{domain}",
            name=name,
            role="guest",
            password_hash=sponsor.password_hash,
            organisation_id=organisation_for(organisation, kind),
        )
        db.session.add(user)
        db.session.flush()
        db.session.add(
            Guest(
                user_id=user.id,
                organisation=organisation,
                organisation_kind=kind,
                sponsor_id=(users.get("member_se", sponsor) if index % 2 else sponsor).id,
                access_ends_on=ends if index else today() + timedelta(days=10),
            )
        )
        if offered:
            item: GrantableResource = offered[index % len(offered)]
            db.session.add(
                Grant(
                    guest_id=user.id,
                    resource_kind=item.ref.kind,
                    resource_id=item.ref.id,
                    label=item.label,
                    url=item.url,
                    granted_by_id=sponsor.id,
                )
            )
    for name, email, organisation, kind, sent_days_ago in (
        ("Pieter de Vries", "p.devries", "Europol", "eu", 2),
        ("Hanna Virtala", "h.virtala", "Finnish Border Guard", "national_authority", 30),
    ):
        invitation, _ = create_invitation(
            Invitee(name, f"{email}@{domain}", organisation, kind),
            sponsor=sponsor,
            message="We would value your experience in our work on labour exploitation.",
            resources=offered[:1],
            access_ends_on=ends,
        )
        invitation.sent_at = invitation.created_at = utcnow() - timedelta(days=sent_days_ago)
        invitation.expires_at = invitation.sent_at + timedelta(
            days=int(setting("invitation_valid_days"))
        )
    db.session.commit()
