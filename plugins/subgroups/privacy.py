"""Personal data the sub-groups plugin keeps: export, description, erasure and its blockers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select

from intranet.plugin_api import PersonalDataKind, User, anonymise_text, db

from .models import Activity, Extension, Membership, Post, SubGroup, Thread

PERSONAL_DATA_KINDS = [
    PersonalDataKind(
        "Sub-group memberships",
        "Which sub-groups a person belongs to, asked to join or was invited to, their role "
        "and when they last opened the group.",
        "Until they leave the group or the account is deactivated.",
    ),
    PersonalDataKind(
        "Discussion posts",
        "Threads and posts a person wrote on a sub-group's board, with their author.",
        "As long as the group; text and author are removed when the account is erased.",
    ),
    PersonalDataKind(
        "Group timeline",
        "Who proposed, approved, extended, joined or left a group, and when.",
        "As long as the group; the actor is removed when the account is erased.",
    ),
]


def personal_data(user: User) -> dict[str, Any]:
    """Everything the plugin holds about `user`, for their data export."""

    def stamp(moment: date | datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    memberships = db.session.execute(
        select(
            SubGroup.name,
            Membership.role,
            Membership.state,
            Membership.joined_at,
            Membership.created_at,
            Membership.last_seen_at,
        )
        .join(SubGroup, SubGroup.id == Membership.group_id)
        .where(Membership.user_id == user.id)
        .order_by(Membership.id)
    ).all()
    threads = db.session.execute(
        select(SubGroup.name, Thread.title, Thread.created_at)
        .join(SubGroup, SubGroup.id == Thread.group_id)
        .where(Thread.author_id == user.id)
        .order_by(Thread.id)
    ).all()
    posts = db.session.execute(
        select(Thread.title, Post.body, Post.created_at, Post.edited_at, Post.deleted_at)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.author_id == user.id)
        .order_by(Post.id)
    ).all()
    groups = db.session.execute(
        select(SubGroup.name, SubGroup.created_by_id, SubGroup.approved_by_id, SubGroup.approved_at)
        .where((SubGroup.created_by_id == user.id) | (SubGroup.approved_by_id == user.id))
        .order_by(SubGroup.id)
    ).all()
    extensions = db.session.execute(
        select(SubGroup.name, Extension.new_end, Extension.reason, Extension.at)
        .join(SubGroup, SubGroup.id == Extension.group_id)
        .where(Extension.by_id == user.id)
    ).all()
    timeline = db.session.execute(
        select(SubGroup.name, Activity.action, Activity.summary, Activity.at)
        .join(SubGroup, SubGroup.id == Activity.group_id)
        .where(Activity.actor_id == user.id)
        .order_by(Activity.id)
    ).all()
    return {
        "memberships": [
            {
                "group": name,
                "role": role,
                "state": state,
                "joined_at": stamp(joined),
                "requested_or_invited_at": stamp(created),
                "last_seen_at": stamp(seen),
            }
            for name, role, state, joined, created, seen in memberships
        ],
        "threads_started": [
            {"group": name, "title": title, "created_at": stamp(created)}
            for name, title, created in threads
        ],
        "posts": [
            {
                "thread": t,
                "body": b,
                "created_at": c.isoformat(),
                "edited_at": stamp(e),
                "deleted": d is not None,
            }
            for t, b, c, e, d in posts
        ],
        "proposed_groups": [name for name, proposer, _, _ in groups if proposer == user.id],
        "approved_groups": [
            {"group": name, "approved_at": stamp(approved)}
            for name, _, approver, approved in groups
            if approver == user.id
        ],
        "extensions": [
            {"group": n, "new_end": e.isoformat(), "reason": r, "at": a.isoformat()}
            for n, e, r, a in extensions
        ],
        "timeline": [
            {"group": name, "action": action, "summary": summary, "at": stamp(at)}
            for name, action, summary, at in timeline
        ],
    }


def erase(user: User) -> None:
    """Memberships go; posts and threads stay readable, written by the anonymised account;
    the timeline's generated lines lose the name."""
    db.session.execute(delete(Membership).where(Membership.user_id == user.id))
    anonymise_text(Activity.summary, user)


def erasure_blockers(users: list[User]) -> dict[int, list[str]]:
    """Convenors of a proposed or active group must hand it over before being erased."""
    convened = db.session.execute(
        select(Membership.user_id, SubGroup.name)
        .join(SubGroup, SubGroup.id == Membership.group_id)
        .where(
            Membership.user_id.in_([user.id for user in users]),
            Membership.role == "convenor",
            Membership.state == "active",
            SubGroup.status.in_(("proposed", "active")),
        )
        .order_by(SubGroup.name)
    )
    found: dict[int, list[str]] = {}
    for user_id, name in convened:
        found.setdefault(user_id, []).append(
            f"Convenor of the sub-group “{name}”: make another member convenor on the group's page."
        )
    return found
