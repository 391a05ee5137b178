"""Bulk data for benchmarks: 300 partner guests per scale unit (taken from the core's generated
guests), their invitations in every state, and grants to existing sub-groups and meetings.

The hook runs last (`trylast`) so the other plugins' rows exist; their tables are read by name,
so the plugin does not import them, and a disabled plugin simply offers nothing to grant."""

from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, timedelta

from sqlalchemy import column, inspect, select, table

from intranet.plugin_api import ScalePeople, bulk_insert, db, next_id, utcnow

from .models import ORGANISATION_KINDS, Grant, Guest, Invitation
from .settings import add_months

GUESTS = 300
INVITATIONS_PER_GUEST = 1.3  # accepted ones plus pending, expired and revoked ones
GRANTS_PER_GUEST = 3
MAX_ACCESS_MONTHS = 24
ORGANISATIONS = {
    "nordic_council": "Nordic Council of Ministers",
    "un": "IOM (UN Migration)",
    "osce": "OSCE Office of the Special Representative",
    "eu": "Europol",
    "ngo": "La Strada International",
    "national_authority": "Finnish Border Guard",
    "cbss_body": "CBSS Secretariat",
    "ministry": "Ministry of Labour (UA)",
    "other": "University of Tartu",
}
# (resource kind, table, title column, path of the page)
GRANTABLE = (
    ("subgroups.group", "subgroups_group", "name", "/subgroups/{}"),
    ("meetings.meeting", "meetings_meeting", "title", "/meetings/{}"),
)


def _resources(rng: random.Random, count: int) -> list[tuple[str, int, str, str]]:
    """Up to `count` existing rows of each grantable kind, as (kind, id, label, url)."""
    inspector = inspect(db.engine)
    found = []
    for kind, name, title, path in GRANTABLE:
        if not inspector.has_table(name):
            continue
        rows = table(name, column("id"), column(title))
        ids = db.session.execute(select(rows.c.id, rows.c[title]).order_by(rows.c.id)).all()
        for row_id, label in rng.sample(ids, min(count, len(ids))):
            found.append((kind, row_id, label, path.format(row_id)))
    return found


def create_scale_partners(scale: float, people: ScalePeople) -> None:
    rng = random.Random("partners-scale")
    now = utcnow()
    today = now.date()
    latest_end = add_months(today, MAX_ACCESS_MONTHS)
    guest_ids = people.guests[: max(1, round(GUESTS * scale))]
    kinds = [kind for kind, _ in ORGANISATION_KINDS]
    sponsors = people.staff + people.members[:50]
    resources = _resources(rng, max(5, round(200 * scale)))

    guests, invitations, grants = [], [], []
    for number, user_id in enumerate(guest_ids):
        kind = rng.choice(kinds)
        sponsor = rng.choice(sponsors)
        ends = min(today + timedelta(days=rng.randint(-30, 720)), latest_end)
        accepted = now - timedelta(days=rng.randint(1, 700))
        guests.append(
            {
                "user_id": user_id,
                "organisation": ORGANISATIONS[kind],
                "organisation_kind": kind,
                "sponsor_id": sponsor,
                "access_ends_on": ends,
                "ended_at": now if ends < today else None,
            }
        )
        row = _invitation(number, kind, sponsor, accepted - timedelta(days=7), ends)
        row.update(accepted_at=accepted, guest_id=user_id)
        invitations.append(row)
        for resource_kind, resource_id, label, url in rng.sample(
            resources, min(GRANTS_PER_GUEST, len(resources))
        ):
            grants.append(
                {
                    "guest_id": user_id,
                    "resource_kind": resource_kind,
                    "resource_id": resource_id,
                    "label": label[:300],
                    "url": url,
                    "granted_by_id": sponsor,
                    "granted_at": accepted,
                }
            )
    extra = round(len(guest_ids) * (INVITATIONS_PER_GUEST - 1))
    for number in range(len(guest_ids), len(guest_ids) + extra):
        state = ("pending", "expired", "revoked")[number % 3]
        days_ago = rng.randint(1, 6) if state == "pending" else rng.randint(20, 400)
        sent = now - timedelta(days=days_ago)
        ends = min(sent.date() + timedelta(days=365), latest_end)
        row = _invitation(number, rng.choice(kinds), rng.choice(sponsors), sent, ends)
        if state == "revoked":
            row["revoked_at"] = sent + timedelta(days=2)
        invitations.append(row)
    first = next_id(Invitation)
    for offset, row in enumerate(invitations):
        row["id"] = first + offset
    bulk_insert(Guest, guests)
    bulk_insert(Invitation, invitations)
    bulk_insert(Grant, grants)


def _invitation(
    number: int, kind: str, sponsor: int, sent: datetime, ends: date
) -> dict[str, object]:
    """One invitation row, open for two weeks from `sent`, not accepted nor revoked."""
    return {
        "email": f"partner{number + 1}@partners.scale.example",
        "name": f"Partner {number + 1}",
        "organisation": ORGANISATIONS[kind],
        "organisation_kind": kind,
        "message": "",
        "sponsor_id": sponsor,
        "access_ends_on": ends,
        "token_hash": hashlib.sha256(f"partners-scale-{number}".encode()).hexdigest(),
        "created_at": sent,
        "sent_at": sent,
        "expires_at": sent + timedelta(days=14),
        "accepted_at": None,
        "revoked_at": None,
        "guest_id": None,
    }
