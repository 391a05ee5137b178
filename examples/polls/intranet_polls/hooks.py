"""Polls: quick questions to the task force, one vote per member.

The hook implementations, and nothing else: the module the `intranet.plugins` entry point
names, so its docstring is what the admin page shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, url_for
from sqlalchemy import delete, select

from intranet.plugin_api import (
    AuditKind,
    AuditTarget,
    NavItem,
    PersonalDataKind,
    SearchResult,
    User,
    audit_ref_ids,
    db,
    hookimpl,
)
from intranet_polls import rules
from intranet_polls.models import Poll, Vote
from intranet_polls.views import bp


@hookimpl
def intranet_audit_kinds() -> list[AuditKind]:
    return [
        AuditKind("polls.created", "Poll created", "{actor} created the poll {target}"),
        AuditKind("polls.closed", "Poll closed", "{actor} closed the poll {target}"),
    ]


@hookimpl
def intranet_audit_targets(refs: list[str]) -> dict[str, AuditTarget]:
    ids = audit_ref_ids(refs, "poll")
    polls = db.session.scalars(select(Poll).where(Poll.id.in_(ids))) if ids else []
    return {
        f"poll:{poll.id}": AuditTarget(f"“{poll.question}”", url_for("polls.show", poll_id=poll.id))
        for poll in polls
    }


@hookimpl
def intranet_blueprints() -> list[Blueprint]:
    return [bp]


@hookimpl
def intranet_migrations() -> str:
    return str(Path(__file__).parent / "migrations" / "versions")


@hookimpl
def intranet_nav_items(user: User) -> list[NavItem]:
    if user.is_guest:
        return []
    return [NavItem("Polls", url_for("polls.index"), order=60, endpoint_prefix="polls.")]


@hookimpl
def intranet_search(query: str, user: User, limit: int) -> list[SearchResult]:
    """A LIKE match is enough for a few hundred polls; large tables use full-text search."""
    if user.is_guest:
        return []
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    polls = db.session.scalars(
        select(Poll)
        .where(Poll.question.ilike(pattern, escape="\\"))
        .order_by(Poll.created_at.desc())
        .limit(limit)
    ).all()
    return [
        SearchResult(
            "Poll",
            poll.question,
            url_for("polls.show", poll_id=poll.id),
            rank=1.0 - position / len(polls),
            when=poll.created_at,
        )
        for position, poll in enumerate(polls)
    ]


@hookimpl
def intranet_permission_many(
    user: User, action: str, kind: str, ids: list[int]
) -> dict[int, bool] | None:
    """Answers for `can()` on one poll and `can_many()` on many alike."""
    if action == "polls.close" and kind == rules.POLL:
        return rules.closable(user, ids)
    return None


@hookimpl
def intranet_personal_data(user: User) -> dict[str, Any]:
    polls = db.session.scalars(select(Poll).where(Poll.author_id == user.id).order_by(Poll.id))
    votes = db.session.execute(
        select(Poll.question, Vote.choice)
        .join(Vote, Vote.poll_id == Poll.id)
        .where(Vote.user_id == user.id)
        .order_by(Poll.id)
    )
    return {
        "polls": [
            {"question": poll.question, "created_at": poll.created_at.isoformat()} for poll in polls
        ],
        "votes": [{"question": question, "choice": choice} for question, choice in votes],
    }


@hookimpl
def intranet_personal_data_kinds() -> list[PersonalDataKind]:
    return [
        PersonalDataKind(
            "Poll votes",
            "The choice a member voted for in each poll.",
            "Until the account is erased.",
        ),
        PersonalDataKind(
            "Polls asked",
            "The polls a member created, with their author.",
            "As long as the poll exists; the author is anonymised when the account is erased.",
        ),
    ]


@hookimpl
def intranet_erase_personal_data(user: User) -> None:
    db.session.execute(delete(Vote).where(Vote.user_id == user.id))


@hookimpl
def intranet_demo_data(users: dict[str, User]) -> None:
    poll = Poll(
        question="Where should the autumn plenary meet?",
        options="Riga\nTallinn\nOnline",
        author_id=users["secretariat"].id,
    )
    db.session.add(poll)
    db.session.flush()
    for key, choice in (("member_lv", "Riga"), ("member_ee", "Tallinn"), ("member_se", "Riga")):
        db.session.add(Vote(poll_id=poll.id, user_id=users[key].id, choice=choice))
