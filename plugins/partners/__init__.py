"""Partners: invite representatives of other organisations as guests scoped to what they share."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import click
from flask import Blueprint, url_for
from flask.cli import with_appcontext
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from intranet.plugin_api import (
    GrantableResource,
    NavItem,
    PersonalDataKind,
    ProfileSection,
    ReportSection,
    ResourceRef,
    ScheduledJob,
    Setting,
    User,
    Widget,
    collect,
    db,
    hookimpl,
    utcnow,
)

from . import service
from .models import Grant, Guest, Invitation
from .service import Invitee
from .views import bp, invite_bp


@hookimpl
def intranet_blueprints() -> list[Blueprint]:
    return [bp, invite_bp]


@hookimpl
def intranet_migrations() -> str:
    return str(Path(__file__).parent / "migrations" / "versions")


@hookimpl
def intranet_settings_schema() -> list[Setting]:
    return service.SETTINGS


@hookimpl
def intranet_permission(user: User, action: str, resource: ResourceRef | None) -> bool | None:
    """A guest may act on a resource granted to them, until access ends, and open the profiles
    of the people in those resources; otherwise abstain.

    Partners' own actions are never granted to guests, so a grant cannot make anyone an inviter.
    """
    if resource is None or not user.is_guest:
        return None
    if action == "directory.view_member" and resource.kind == "user":
        return True if resource.id in service.co_worker_ids(user) else None
    if action.startswith("partners."):
        return None
    return True if resource in service.active_grants(user) else None


@hookimpl
def intranet_nav_items(user: User) -> list[NavItem]:
    if user.is_guest:
        return [
            NavItem("My access", url_for("partners.me"), order=5, endpoint_prefix="partners.me")
        ]
    if service.shows_partners_menu(user):
        return [
            NavItem("Partners", url_for("partners.index"), order=60, endpoint_prefix="partners.")
        ]
    return []


@hookimpl
def intranet_dashboard_widgets(user: User) -> list[Widget]:
    if user.is_guest:
        return [Widget("partners", "Your access", url_for("partners.widget"), order=5)]
    if service.shows_partners_menu(user):
        return [Widget("partners", "Partners", url_for("partners.widget"), order=60)]
    return []


@hookimpl
def intranet_profile_sections(member: User, viewer: User) -> list[ProfileSection]:
    if not member.is_guest:
        return []
    guest = db.session.scalar(
        select(Guest).where(Guest.user_id == member.id).options(selectinload(Guest.sponsor))
    )
    if guest is None:
        return []
    if not (viewer.is_staff or viewer.id in (member.id, guest.sponsor_id)):
        return []
    items = [
        (f"{guest.organisation} ({guest.kind_label})", ""),
        (f"Sponsor: {guest.sponsor.name if guest.sponsor else 'none'}", ""),
        (f"Access ends on {guest.access_ends_on}", ""),
    ]
    items += [(f"Access to {grant.label}", grant.url) for grant in service.grants_of(member.id)]
    return [ProfileSection("Partner access", items=items, order=20)]


@hookimpl
def intranet_report_sections(start: date, end: date, user: User) -> list[ReportSection]:
    if user.is_guest:
        return []
    period_start = datetime.combine(start, time.min, tzinfo=UTC)
    period_end = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
    guests = db.session.scalars(
        select(Guest)
        .join(User, User.id == Guest.user_id)
        .where(
            User.created_at < period_end,
            or_(Guest.ended_at.is_(None), Guest.ended_at >= period_start),
        )
        .options(selectinload(Guest.grants))
        .order_by(Guest.organisation)
    ).all()
    rows: dict[tuple[str, str], list[Any]] = {}
    for guest in guests:
        row = rows.setdefault(
            (guest.organisation, guest.organisation_kind),
            [guest.organisation, guest.kind_label, 0, set()],
        )
        row[2] += 1
        row[3].update(grant.label for grant in guest.grants)
    return [
        ReportSection(
            "Partner organisations",
            summary=f"{len(rows)} partner organisation(s) took part through {len(guests)} "
            "guest account(s).",
            headers=["Organisation", "Kind", "Guests", "Engaged in"],
            rows=[
                [name, kind, str(count), "; ".join(sorted(labels))]
                for name, kind, count, labels in rows.values()
            ],
            order=60,
        )
    ]


@click.command("expire-guests")
@with_appcontext
def expire_guests_command() -> None:
    """End the access of every guest whose access end date has passed."""
    ended = service.expire_due_guests()
    click.echo(f"{ended} guest account(s) deactivated")


@hookimpl
def intranet_cli_commands() -> list[click.Command]:
    return [expire_guests_command]


@hookimpl
def intranet_scheduled_jobs() -> list[ScheduledJob]:
    return [
        ScheduledJob("partners.expire-guests", 15, service.expire_due_guests),
        ScheduledJob("partners.remind-sponsors", 60, service.remind_sponsors),
        ScheduledJob("partners.expired-invitations", 24 * 60, service.announce_expired_invitations),
    ]


@hookimpl
def intranet_user_deactivated(user: User) -> None:
    if not user.is_guest:
        service.flag_orphaned_guests(user)


@hookimpl
def intranet_personal_data(user: User) -> dict[str, Any]:
    def stamp(moment: date | datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    guest = db.session.get(Guest, user.id)
    invitations = db.session.scalars(
        select(Invitation)
        .where(or_(Invitation.email == user.email, Invitation.guest_id == user.id))
        .options(selectinload(Invitation.resources))
        .order_by(Invitation.id)
    ).all()
    sent = db.session.scalars(
        select(Invitation).where(Invitation.sponsor_id == user.id).order_by(Invitation.id)
    ).all()
    sponsored = db.session.scalars(select(Guest.user_id).where(Guest.sponsor_id == user.id)).all()
    granted_by_you = db.session.scalars(
        select(Grant).where(Grant.granted_by_id == user.id).order_by(Grant.id)
    ).all()
    return {
        "guest": None
        if guest is None
        else {
            "organisation": guest.organisation,
            "organisation_kind": guest.organisation_kind,
            "sponsor_id": guest.sponsor_id,
            "access_ends_on": guest.access_ends_on.isoformat(),
            "reminded_for": stamp(guest.reminded_for),
            "ended_at": stamp(guest.ended_at),
        },
        "grants": [
            {"kind": grant.resource_kind, "id": grant.resource_id, "label": grant.label}
            for grant in service.grants_of(user.id)
        ],
        "invitations_received": [
            {
                "name": invitation.name,
                "email": invitation.email,
                "organisation": invitation.organisation,
                "message": invitation.message,
                "sent_at": stamp(invitation.sent_at),
                "expires_at": stamp(invitation.expires_at),
                "accepted_at": stamp(invitation.accepted_at),
                "access_ends_on": stamp(invitation.access_ends_on),
                "state": invitation.state,
                "resources": [resource.label for resource in invitation.resources],
            }
            for invitation in invitations
        ],
        "invitations_sent": [
            {
                "organisation": invitation.organisation,
                "sent_at": stamp(invitation.sent_at),
                "state": invitation.state,
            }
            for invitation in sent
        ],
        "guests_sponsored": list(sponsored),
        "grants_given": [
            {"guest_id": grant.guest_id, "label": grant.label, "at": stamp(grant.granted_at)}
            for grant in granted_by_you
        ],
    }


@hookimpl
def intranet_personal_data_kinds() -> list[PersonalDataKind]:
    return [
        PersonalDataKind(
            "Invitations",
            "Name, email address and organisation of an invited partner, the sponsor's message, "
            "and when the invitation was sent, accepted or revoked.",
            "Until the guest account is erased; pending ones until they expire or are revoked.",
        ),
        PersonalDataKind(
            "Guest accounts",
            "A guest's organisation, sponsor, the date their access ends, and what they were "
            "granted (sub-groups, meetings, lessons).",
            "Access ends on the set date; the record stays until the account is erased.",
        ),
    ]


@hookimpl
def intranet_erasure_blockers(users: list[User]) -> dict[int, list[str]]:
    ids = [user.id for user in users]
    guests = db.session.execute(
        select(Guest.sponsor_id, User.name, Guest.organisation, Guest.access_ends_on)
        .join(User, User.id == Guest.user_id)
        .where(Guest.sponsor_id.in_(ids), Guest.ended_at.is_(None))
        .order_by(User.name)
    )
    invitations = db.session.execute(
        select(Invitation.sponsor_id, Invitation.name, Invitation.organisation)
        .where(
            Invitation.sponsor_id.in_(ids),
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .order_by(Invitation.name)
    )
    found: dict[int, list[str]] = {}
    for sponsor_id, name, organisation, ends in guests:
        found.setdefault(sponsor_id, []).append(
            f"Sponsor of the guest {name} ({organisation}), access until {ends:%d %b %Y}: end "
            "the access on the Partners page or ask the secretariat to take the guest over."
        )
    for sponsor_id, name, organisation in invitations:
        found.setdefault(sponsor_id, []).append(
            f"Sponsor of the pending invitation of {name} ({organisation}): "
            "revoke it on the Partners page."
        )
    return found


@hookimpl
def intranet_erase_personal_data(user: User) -> None:
    """The guest record, grants and the invitations the person received go. What they
    sponsored stays, shown as sponsored by the anonymised account."""
    for invitation in db.session.scalars(
        select(Invitation).where(
            or_(Invitation.email == user.email, Invitation.guest_id == user.id)
        )
    ):
        db.session.delete(invitation)
    for grant in service.grants_of(user.id):
        db.session.delete(grant)
    guest = db.session.get(Guest, user.id)
    if guest is not None:
        db.session.delete(guest)


DEMO_GUESTS = [
    ("Astrid Nilsen", "astrid.nilsen", "Nordic Council of Ministers", "nordic_council"),
    ("Giulia Ferrari", "giulia.ferrari", "IOM (UN Migration)", "un"),
    ("Olena Kovalenko", "olena.kovalenko", "OSCE Office of the Special Representative", "osce"),
    ("Lina Berg", "lina.berg", "La Strada International (NGO)", "ngo"),
]


@hookimpl(trylast=True)
def intranet_demo_data(users: dict[str, User]) -> None:
    """Four guests, each granted one of whatever other plugins offer (maybe nothing).

    Runs after the other plugins' demo data, so their sub-groups and meetings can be granted.
    """
    sponsor = users["secretariat"]
    domain = sponsor.email.partition("@")[2]
    offered = collect("intranet_grantable_resources", user=sponsor)
    ends = service.add_months(service.today(), 6)
    for index, (name, local, organisation, kind) in enumerate(DEMO_GUESTS):
        user = User(
            email=f"{local}@{domain}",
            name=name,
            role="guest",
            password_hash=sponsor.password_hash,
        )
        db.session.add(user)
        db.session.flush()
        db.session.add(
            Guest(
                user_id=user.id,
                organisation=organisation,
                organisation_kind=kind,
                sponsor_id=(users.get("member_se", sponsor) if index % 2 else sponsor).id,
                access_ends_on=ends if index else service.today() + timedelta(days=10),
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
        invitation, _ = service.create_invitation(
            Invitee(name, f"{email}@{domain}", organisation, kind),
            sponsor=sponsor,
            message="We would value your experience in our work on labour exploitation.",
            resources=offered[:1],
            access_ends_on=ends,
        )
        invitation.sent_at = invitation.created_at = utcnow() - timedelta(days=sent_days_ago)
        invitation.expires_at = invitation.sent_at + timedelta(
            days=int(service.setting("invitation_valid_days"))
        )
    db.session.commit()
