"""A person's data in the partners plugin: what is kept, the export, erasure and its blockers."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Row, Select, or_, select
from sqlalchemy.orm import selectinload

from intranet.plugin_api import PersonalDataKind, User, db, plural, utcnow

from .models import Grant, Guest, Invitation
from .reports import ranked
from .rules import grants_of

PERSONAL_DATA_KINDS = [
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


def personal_data(user: User) -> dict[str, Any]:
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
            for grant in grants_of(user.id)
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


# A sponsor of many guests sees the first few of each kind by name and how many more there are.
BLOCKERS_NAMED = 5


def erasure_blockers(users: list[User]) -> dict[int, list[str]]:
    ids = [user.id for user in users]
    guests = ranked(
        select(Guest.sponsor_id, User.name, Guest.organisation, Guest.access_ends_on)
        .join(User, User.id == Guest.user_id)
        .where(Guest.sponsor_id.in_(ids), Guest.ended_at.is_(None)),
        (User.name,),
        BLOCKERS_NAMED,
        keys=1,
    )
    invitations = ranked(
        select(Invitation.sponsor_id, Invitation.name, Invitation.organisation).where(
            Invitation.sponsor_id.in_(ids),
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        ),
        (Invitation.name,),
        BLOCKERS_NAMED,
        keys=1,
    )
    found: dict[int, list[str]] = defaultdict(list)
    for sponsor_id, rows in by_sponsor(guests):
        found[sponsor_id] += [
            f"Sponsor of the guest {name} ({organisation}), access until {ends:%d %b %Y}: end "
            "the access on the Partners page or ask the secretariat to take the guest over."
            for _, name, organisation, ends, _ in rows
        ]
        if (more := rows[0].total - len(rows)) > 0:
            found[sponsor_id].append(
                f"Sponsor of {plural(more, 'more guest')}: end their access on the Partners "
                "page or ask the secretariat to take them over."
            )
    for sponsor_id, rows in by_sponsor(invitations):
        found[sponsor_id] += [
            f"Sponsor of the pending invitation of {name} ({organisation}): "
            "revoke it on the Partners page."
            for _, name, organisation, _ in rows
        ]
        if (more := rows[0].total - len(rows)) > 0:
            found[sponsor_id].append(
                f"Sponsor of {plural(more, 'more pending invitation')}, listed on the Partners "
                "page: revoke each there."
            )
    return dict(found)


def by_sponsor(statement: Select[Any]) -> list[tuple[int, list[Row[Any]]]]:
    """The rows of `statement` (sponsor, name, ...) grouped by sponsor, in name order."""
    sponsor, name = statement.selected_columns[:2]
    rows = db.session.execute(statement.order_by(sponsor, name))
    return [(key, list(group)) for key, group in groupby(rows, key=itemgetter(0))]


def erase_personal_data(user: User) -> None:
    """The guest record, grants and the invitations the person received go. What they
    sponsored stays, shown as sponsored by the anonymised account."""
    for invitation in db.session.scalars(
        select(Invitation).where(
            or_(Invitation.email == user.email, Invitation.guest_id == user.id)
        )
    ):
        db.session.delete(invitation)
    for grant in grants_of(user.id):
        db.session.delete(grant)
    guest = db.session.get(Guest, user.id)
    if guest is not None:
        db.session.delete(guest)
