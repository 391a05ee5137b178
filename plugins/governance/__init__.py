"""Governance: chairmanship, mandate, objectives and methods of work, and the activity report."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from flask import Blueprint, url_for
from sqlalchemy import delete, select

from intranet.plugin_api import (
    Banner,
    NavItem,
    PersonalDataKind,
    ReportSection,
    ResourceRef,
    ScheduledJob,
    SearchResult,
    Setting,
    User,
    Widget,
    db,
    hookimpl,
)
from plugins.governance import chairmanship, documents, notices, search, settings
from plugins.governance.models import (
    ChairPeriod,
    MandatePeriod,
    Proposal,
    Report,
    Revision,
    chairperson_table,
)
from plugins.governance.views import STEER, bp, may_steer


@hookimpl
def intranet_blueprints() -> list[Blueprint]:
    return [bp]


@hookimpl
def intranet_migrations() -> str:
    return str(Path(__file__).parent / "migrations" / "versions")


@hookimpl
def intranet_settings_schema() -> list[Setting]:
    return list(settings.SCHEMA)


@hookimpl
def intranet_nav_items(user: User) -> list[NavItem]:
    if user.is_guest:
        return []
    return [
        NavItem("Governance", url_for("governance.index"), order=80, endpoint_prefix="governance.")
    ]


@hookimpl
def intranet_dashboard_widgets(user: User) -> list[Widget]:
    if user.is_guest:
        return []
    return [
        Widget("governance-chair", "Chair", url_for("governance.chair_widget"), order=5),
        Widget("governance-mandate", "Mandate", url_for("governance.mandate_widget"), order=6),
    ]


@hookimpl
def intranet_banners(user: User) -> list[Banner]:
    """The chair and its handover for all but guests; the mandate's end for the secretariat."""
    if user.is_guest:
        return []
    today = chairmanship.local_today()
    current, following, countries = chairmanship.handover_view(today)
    overview = url_for("governance.index")
    banners = []
    if current is not None:
        chair = countries[current.country_code]
        if current.chairpersons:
            chair += f" ({_names(current.chairpersons)})"
        banners.append(Banner(f"Chair: {chair}.", overview, "Governance", order=10))
        if chairmanship.in_last_month(current, today):
            announcement = chairmanship.handover_announcement(current, following, countries)
            banners.append(Banner(f"{announcement}.", overview, "Governance", order=11))
    if user.role == "secretariat":
        mandate = chairmanship.mandate_ending_soon(today)
        if mandate is not None:
            banners.append(
                Banner(
                    f"The mandate ends on {mandate.end.day} {mandate.end:%B %Y}: "
                    "prepare the final report.",
                    url_for("governance.report_new", basis=f"mandate:{mandate.id}"),
                    "Start the final report",
                    level="warning",
                    order=12,
                )
            )
    return banners


@hookimpl
def intranet_scheduled_jobs() -> list[ScheduledJob]:
    return [ScheduledJob("governance.daily-reminders", 24 * 60, notices.send_daily_reminders)]


@hookimpl
def intranet_permission(user: User, action: str, resource: ResourceRef | None) -> bool | None:
    """The chair's rights: the chair is a title derived from the current chairmanship."""
    if action != STEER and action not in settings.get("chair_actions"):
        return None
    return True if chairmanship.is_chair(user) else None


@hookimpl
def intranet_search(query: str, user: User, limit: int) -> list[SearchResult]:
    if user.is_guest:
        return []
    statement = search.matching(query, limit)
    if statement is None:
        return []
    rows = db.session.execute(statement).all()
    # Draft reports are for those who steer; asked only when one matches (it costs a query).
    if any(row.draft for row in rows) and not may_steer(user):
        rows = [row for row in rows if not row.draft]
    results = []
    for source, row_id, name, score, snippet, when, _ in rows:
        if source == search.REVISION:
            kind, title = "Governance", documents.DOCUMENTS.get(name, name)
            url = url_for("governance.document_show", document=name)
        else:
            kind, title = "Activity report", name
            url = url_for("governance.report_show", report_id=row_id)
        results.append(SearchResult(kind, title, url, snippet, score, when))
    return sorted(results, key=lambda result: -result.rank)[:limit]


def _names(people: list[User]) -> str:
    return ", ".join(person.name for person in people)


@hookimpl
def intranet_report_sections(start: date, end: date, user: User) -> list[ReportSection]:
    periods = db.session.scalars(
        select(ChairPeriod)
        .where(ChairPeriod.start <= end, ChairPeriod.end >= start)
        .order_by(ChairPeriod.start)
    ).all()
    mandates = db.session.scalars(
        select(MandatePeriod)
        .where(MandatePeriod.start <= end, MandatePeriod.end >= start)
        .order_by(MandatePeriod.start)
    ).all()
    first = datetime.combine(start, time.min, tzinfo=UTC)
    after = datetime.combine(end, time.max, tzinfo=UTC)
    revisions = db.session.scalars(
        select(Revision)
        .where(Revision.created_at >= first, Revision.created_at <= after)
        .order_by(Revision.created_at)
    ).all()
    return [
        ReportSection(
            "Chairmanship",
            f"{len(periods)} chairmanship period(s) in the reporting period.",
            ["Country", "From", "To", "Chairperson(s)"],
            [
                [p.country_code, f"{p.start:%d %b %Y}", f"{p.end:%d %b %Y}", _names(p.chairpersons)]
                for p in periods
            ],
            order=10,
        ),
        ReportSection(
            "Mandate",
            "The mandate periods in force during the reporting period.",
            ["From", "To", "Decision"],
            [[f"{m.start:%d %b %Y}", f"{m.end:%d %b %Y}", m.decision_reference] for m in mandates],
            order=11,
        ),
        ReportSection(
            "Objectives and methods of work",
            f"{len(revisions)} revision(s) adopted in the reporting period.",
            ["Document", "Revision", "Date", "Author", "Reason"],
            [
                [
                    documents.DOCUMENTS.get(r.document, r.document),
                    str(r.number),
                    f"{r.created_at:%d %b %Y}",
                    r.author.name if r.author else "",
                    r.reason,
                ]
                for r in revisions
            ],
            order=12,
        ),
    ]


@hookimpl
def intranet_personal_data(user: User) -> dict[str, Any]:
    chaired = db.session.scalars(
        select(ChairPeriod)
        .join(chairperson_table)
        .where(chairperson_table.c.user_id == user.id)
        .order_by(ChairPeriod.start)
    )
    revisions = db.session.scalars(select(Revision).where(Revision.author_id == user.id))
    proposals = db.session.scalars(select(Proposal).where(Proposal.proposer_id == user.id))
    decided = db.session.scalars(select(Proposal).where(Proposal.decided_by_id == user.id))
    reports = db.session.scalars(
        select(Report).where(
            (Report.created_by_id == user.id) | (Report.submitted_by_id == user.id)
        )
    )
    return {
        "chairmanships": [
            {"country": p.country_code, "start": p.start.isoformat(), "end": p.end.isoformat()}
            for p in chaired
        ],
        "revisions": [
            {
                "document": r.document,
                "number": r.number,
                "reason": r.reason,
                "at": r.created_at.isoformat(),
            }
            for r in revisions
        ],
        "proposals": [
            {
                "document": p.document,
                "body": p.body,
                "reason": p.reason,
                "status": p.status,
                "at": p.created_at.isoformat(),
            }
            for p in proposals
        ],
        "proposals_decided": [
            {
                "document": p.document,
                "status": p.status,
                "comment": p.decision_comment,
                "at": p.decided_at.isoformat() if p.decided_at else None,
            }
            for p in decided
        ],
        "reports": [
            {
                "title": r.title,
                "created_by_you": r.created_by_id == user.id,
                "submitted_by_you": r.submitted_by_id == user.id,
                "created_at": r.created_at.isoformat(),
                "submitted_at": r.submitted_at.isoformat() if r.submitted_at else None,
            }
            for r in reports
        ],
    }


@hookimpl
def intranet_personal_data_kinds() -> list[PersonalDataKind]:
    return [
        PersonalDataKind(
            "Chairpersons",
            "Who chaired the task force for a member state, and when.",
            "Kept as the task force's history.",
        ),
        PersonalDataKind(
            "Living documents and proposals",
            "Revisions of the objectives and methods of work, proposals for them, their author "
            "and who decided on them.",
            "Kept as the task force's history; authors are removed when an account is erased.",
        ),
        PersonalDataKind(
            "Activity reports",
            "Who drafted and submitted a report for a period.",
            "Kept as the task force's history.",
        ),
    ]


@hookimpl
def intranet_erasure_blockers(users: list[User]) -> dict[int, list[str]]:
    periods = db.session.execute(
        select(chairperson_table.c.user_id, ChairPeriod.country_code, ChairPeriod.start)
        .join(ChairPeriod, ChairPeriod.id == chairperson_table.c.period_id)
        .where(
            chairperson_table.c.user_id.in_([user.id for user in users]),
            ChairPeriod.end >= date.today(),
        )
        .order_by(ChairPeriod.start)
    )
    found: dict[int, list[str]] = {}
    for user_id, country, start in periods:
        found.setdefault(user_id, []).append(
            f"Chairperson of the {country} chairmanship from {start:%d %b %Y}: "
            "name another chairperson under Governance, Chairmanship."
        )
    return found


@hookimpl
def intranet_erase_personal_data(user: User) -> None:
    """Past chairmanships keep their country but no longer name the person (current and
    future ones block the erasure). Revisions, proposals and reports stay, by the anonymised
    account."""
    db.session.execute(delete(chairperson_table).where(chairperson_table.c.user_id == user.id))


@hookimpl
def intranet_demo_data(users: dict[str, User]) -> None:
    from plugins.governance.demo import create_demo_data

    create_demo_data(users)
