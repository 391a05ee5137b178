"""Personal data the governance plugin keeps: export, description, erasure and its blockers."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, select

from intranet.plugin_api import PersonalDataKind, User, db

from .models import ChairPeriod, Proposal, Report, Revision, chairperson_table

PERSONAL_DATA_KINDS = [
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


def personal_data(user: User) -> dict[str, Any]:
    """Everything the plugin holds about `user`, for their data export."""
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


def erasure_blockers(users: list[User]) -> dict[int, list[str]]:
    """Current and future chairpersons must be replaced before their account is erased."""
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


def erase(user: User) -> None:
    """Past chairmanships keep their country but no longer name the person (current and
    future ones block the erasure). Revisions, proposals and reports stay, by the anonymised
    account."""
    db.session.execute(delete(chairperson_table).where(chairperson_table.c.user_id == user.id))
