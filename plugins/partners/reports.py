"""What the partners plugin adds to a guest's profile, the activity report and its overview."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from intranet.plugin_api import ProfileSection, ReportSection, User, db, plural, utcnow

from .models import KIND_LABELS, Guest, Invitation
from .rules import grants_of


def profile_sections(member: User, viewer: User) -> list[ProfileSection]:
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
    items += [(f"Access to {grant.label}", grant.url) for grant in grants_of(member.id)]
    return [ProfileSection("Partner access", items=items, order=20)]


def report_sections(start: date, end: date, user: User) -> list[ReportSection]:
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
            summary=f"{plural(len(rows), 'partner organisation')} took part through "
            f"{plural(len(guests), 'guest account')}.",
            headers=["Organisation", "Kind", "Guests", "Engaged in"],
            rows=[
                [name, kind, str(count), "; ".join(sorted(labels))]
                for name, kind, count, labels in rows.values()
            ],
            order=60,
        )
    ]


def organisations() -> list[dict[str, Any]]:
    guests = db.session.scalars(
        select(Guest)
        .join(User, User.id == Guest.user_id)
        .options(selectinload(Guest.user), selectinload(Guest.sponsor), selectinload(Guest.grants))
        .order_by(Guest.organisation, User.name)
    ).all()
    pending = db.session.execute(
        select(Invitation.organisation, Invitation.organisation_kind, func.count())
        .where(
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .group_by(Invitation.organisation, Invitation.organisation_kind)
    ).all()
    grouped: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"guests": [], "pending": 0, "engaged_in": set()}
    )
    for guest in guests:
        entry = grouped[(guest.organisation, guest.organisation_kind)]
        entry["guests"].append(guest)
        if guest.ended_at is None:
            entry["engaged_in"].update(grant.label for grant in guest.grants)
    for organisation, kind, count in pending:
        grouped[(organisation, kind)]["pending"] += count
    return [
        {
            "name": organisation,
            "kind": KIND_LABELS.get(kind, kind),
            "guests": entry["guests"],
            "pending": entry["pending"],
            "engaged_in": sorted(entry["engaged_in"]),
        }
        for (organisation, kind), entry in sorted(grouped.items(), key=lambda i: i[0][0].lower())
    ]
