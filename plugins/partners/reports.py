"""What the partners plugin adds to a guest's profile, the activity report and its overview."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, and_, func, or_, select, union
from sqlalchemy.orm import selectinload

from intranet.plugin_api import (
    REPORT_ROWS,
    ProfileSection,
    ReportSection,
    User,
    cached_figures,
    db,
    external_url,
    plural,
    utcnow,
    watch_tables,
)

from .models import KIND_LABELS, Grant, Guest, Invitation
from .rules import grants_of

# The report's section follows the guests, their grants and when their accounts were made:
# counted again after any change to them, not on every view of a draft.
STAMP = "partners"
watch_tables(STAMP, Guest, Grant, User.created_at)
# The organisations' guests, names and engagements: kept until a guest, a grant or a name changes.
ORGANISATIONS_STAMP = "partners-organisations"
watch_tables(ORGANISATIONS_STAMP, Guest, Grant, User.name)


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


LABELS_SHOWN = 5


def report_sections(start: date, end: date, user: User) -> list[ReportSection]:
    """Organisations with their guests and what they were granted, grouped in SQL; of what an
    organisation engaged in, the first few are named and the others counted."""
    if user.is_guest:
        return []
    return cached_figures(STAMP, f"report:{start}:{end}", lambda: count_sections(start, end))


def count_sections(start: date, end: date) -> list[ReportSection]:
    period_start = datetime.combine(start, time.min, tzinfo=UTC)
    period_end = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
    in_period = and_(
        User.created_at < period_end,
        or_(Guest.ended_at.is_(None), Guest.ended_at >= period_start),
    )
    organisations = db.session.execute(
        select(Guest.organisation, Guest.organisation_kind, func.count())
        .join(User, User.id == Guest.user_id)
        .where(in_period)
        .group_by(Guest.organisation, Guest.organisation_kind)
        .order_by(Guest.organisation, Guest.organisation_kind)
    ).all()
    labels: dict[tuple[str, str], list[str]] = defaultdict(list)
    for organisation, kind, label in db.session.execute(
        select(Guest.organisation, Guest.organisation_kind, Grant.label)
        .distinct()
        .join(User, User.id == Guest.user_id)
        .join(Grant, Grant.guest_id == Guest.user_id)
        .where(in_period)
        .order_by(Guest.organisation, Guest.organisation_kind, Grant.label)
    ):
        labels[(organisation, kind)].append(label)
    shown = organisations[:REPORT_ROWS]
    return [
        ReportSection(
            "Partner organisations",
            summary=f"{plural(len(organisations), 'partner organisation')} took part through "
            f"{plural(sum(count for _, _, count in organisations), 'guest account')}.",
            headers=["Organisation", "Kind", "Guests", "Engaged in"],
            rows=[
                [name, KIND_LABELS.get(kind, kind), str(count), engaged_in(labels[(name, kind)])]
                for name, kind, count in shown
            ],
            order=60,
            more=len(organisations) - len(shown),
            more_url=external_url("partners.overview"),
        )
    ]


def engaged_in(labels: list[str]) -> str:
    """ "A; B; C and 12 more": a cell of the report names a few, not hundreds."""
    named = "; ".join(labels[:LABELS_SHOWN])
    rest = len(labels) - LABELS_SHOWN
    return f"{named} and {rest} more" if rest > 0 else named


def organisations() -> list[dict[str, Any]]:
    guests = db.session.scalars(
        select(Guest)
        .join(User, User.id == Guest.user_id)
        .options(selectinload(Guest.user), selectinload(Guest.sponsor), selectinload(Guest.grants))
        .order_by(Guest.organisation, User.name)
    ).all()
    pending = db.session.execute(
        select(Invitation.organisation, Invitation.organisation_kind, func.count())
        .where(pending_invitation())
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


GUESTS_SHOWN = 5


def pending_invitation() -> ColumnElement[bool]:
    return and_(
        Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > utcnow(),
    )


def organisation_page(page: int, per_page: int) -> Pagination:
    """A page of organisations (names with guests or pending invitations, alphabetical), each
    kind of an organisation with its counts, its first GUESTS_SHOWN guests by name and the
    first LABELS_SHOWN things its active guests are engaged in: a handful of grouped
    statements for the page, never every guest (3,000 guests made a 317 KB page at N=10)."""
    names = union(
        select(Guest.organisation.label("name")),
        select(Invitation.organisation).where(pending_invitation()),
    ).subquery()
    pagination = db.paginate(
        select(names.c.name).order_by(func.lower(names.c.name), names.c.name),
        page=page,
        per_page=per_page,
        error_out=False,
    )
    shown = list(pagination.items)
    entries: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"guests": 0, "ended": 0, "names": [], "labels": 0, "engaged_in": [], "pending": 0}
    )
    summaries = cached_figures(
        ORGANISATIONS_STAMP, "\x1f".join(shown), lambda: guest_summaries(shown)
    )
    for key, summary in summaries.items():
        entries[key].update(summary)
    for name, kind, count in db.session.execute(
        select(Invitation.organisation, Invitation.organisation_kind, func.count())
        .where(pending_invitation(), Invitation.organisation.in_(shown))
        .group_by(Invitation.organisation, Invitation.organisation_kind)
    ):
        entries[(name, kind)]["pending"] += count
    order = {name: index for index, name in enumerate(shown)}
    pagination.items = [
        {"name": name, "kind": KIND_LABELS.get(kind, kind), **entry}
        for (name, kind), entry in sorted(entries.items(), key=lambda i: (order[i[0][0]], i[0][1]))
    ]
    return pagination


def guest_summaries(shown: list[str]) -> dict[tuple[str, str], dict[str, Any]]:
    """For each organisation in `shown` and kind: its guests and ended guests counted, the
    first guests by name and what its active guests are engaged in (the first labels and how
    many). Kept per worker under ORGANISATIONS_STAMP: at N=10 the first page's organisations
    have 3,000 guests and 8,700 grants to sort (35 ms)."""
    summaries: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"guests": 0, "ended": 0, "names": [], "labels": 0, "engaged_in": []}
    )
    for name, kind, guests, ended in db.session.execute(
        select(
            Guest.organisation, Guest.organisation_kind, func.count(), func.count(Guest.ended_at)
        )
        .where(Guest.organisation.in_(shown))
        .group_by(Guest.organisation, Guest.organisation_kind)
    ):
        summaries[(name, kind)].update(guests=guests, ended=ended)
    first_guests = ranked(
        select(Guest.organisation, Guest.organisation_kind, User.name, Guest.ended_at)
        .join(User, User.id == Guest.user_id)
        .where(Guest.organisation.in_(shown)),
        (User.name, User.id),
        GUESTS_SHOWN,
    )
    for name, kind, guest_name, ended_at, _ in db.session.execute(first_guests):
        summaries[(name, kind)]["names"].append((guest_name, ended_at is not None))
    labels = (
        select(Guest.organisation, Guest.organisation_kind, Grant.label)
        .distinct()
        .join(Grant, Grant.guest_id == Guest.user_id)
        .where(Guest.organisation.in_(shown), Guest.ended_at.is_(None))
        .subquery()
    )
    for name, kind, label, count in db.session.execute(
        ranked(select(labels), (labels.c.label,), LABELS_SHOWN)
    ):
        summaries[(name, kind)]["engaged_in"].append(label)
        summaries[(name, kind)]["labels"] = count
    return dict(summaries)


def ranked(
    statement: Select[Any], order: tuple[Any, ...], limit: int, keys: int = 2
) -> Select[Any]:
    """The first `limit` rows of `statement` in `order` for each value of its first `keys`
    columns (by default organisation and kind), each with the number of rows of that value."""
    key = statement.selected_columns[:keys]
    numbered = statement.add_columns(
        func.row_number().over(partition_by=key, order_by=order).label("rank"),
        func.count().over(partition_by=key).label("total"),
    ).subquery()
    columns = list(numbered.c)
    return select(*columns[:-2], columns[-1]).where(columns[-2] <= limit)
