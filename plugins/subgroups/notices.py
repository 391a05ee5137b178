"""Who hears about what happens in a sub-group. Call these after committing the change.

Every function leaves out the person who acted: nobody is told about their own action.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from intranet.plugin_api import User, db, notify, plural

from .models import Membership, Post, SubGroup, Thread, today

WARNING_DAYS = 14


# Local paths built by hand, not with url_for: the jobs may run outside any request.
def group_path(group: SubGroup) -> str:
    return f"/subgroups/{group.id}"


def thread_path(thread: Thread) -> str:
    return f"/subgroups/threads/{thread.id}"


def members(group_id: int, *, convenors_only: bool = False) -> list[User]:
    query = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group_id, Membership.state == "active")
    )
    if convenors_only:
        query = query.where(Membership.role == "convenor")
    return list(db.session.scalars(query))


def secretariat() -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.role == "secretariat", User.is_active_account.is_(True))
        )
    )


def send(
    users: Iterable[User],
    actor: User | None,
    kind: str,
    title: str,
    text: str,
    url: str,
    reply_target: str = "",
    post: Post | None = None,
):
    """With `post`, mailing-list members get it in full (see `notify`)."""
    actor_id = actor.id if actor is not None else None
    recipients = {user.id: user for user in users if user.id != actor_id}
    listed: dict[str, Any] = {}
    if post is not None:
        group = post.thread.group
        listed["post"] = f"{actor.name if actor else 'Someone'} wrote:\n\n{post.body}"
        listed["mailing_list"] = set(recipients) if group.mail_every_post else set()
    return notify(recipients.values(), kind, title, text, url, reply_target=reply_target, **listed)


def reply_target(thread: Thread) -> str:
    """What a reply by mail to a notification about `thread` answers."""
    return f"subgroups.thread:{thread.id}"


def new_thread(thread: Thread, actor: User) -> None:
    group = thread.group
    send(
        members(group.id),
        actor,
        "subgroups.thread",
        f"New discussion in {group.name}: {thread.title}",
        f"{actor.name} started the discussion “{thread.title}”.",
        thread_path(thread),
        reply_target(thread),
        thread.posts[0],
    )


def reply(post: Post, actor: User) -> None:
    thread = post.thread
    participants = db.session.scalars(
        select(User)
        .join(Post, Post.author_id == User.id)
        .where(Post.thread_id == thread.id, Post.deleted_at.is_(None))
        .distinct()
    ).all()
    send(
        [*participants, *members(thread.group_id)],
        actor,
        "subgroups.reply",
        f"New reply in “{thread.title}” ({thread.group.name})",
        f"{actor.name} replied.",
        f"{thread_path(thread)}#post-{post.id}",
        reply_target(thread),
        post,
    )


def join_requested(group: SubGroup, actor: User) -> None:
    send(
        members(group.id, convenors_only=True),
        actor,
        "subgroups.join_request",
        f"{actor.name} asks to join {group.name}",
        "Approve or decline the request on the group's page.",
        group_path(group),
    )


def request_answered(group: SubGroup, requester: User, approved: bool, actor: User) -> None:
    verb = "approved" if approved else "declined"
    send(
        [requester],
        actor,
        f"subgroups.request_{verb}",
        f"Your request to join {group.name} was {verb}",
        f"{actor.name} {verb} your request.",
        group_path(group),
    )


def invited(group: SubGroup, user: User, actor: User) -> None:
    send(
        [user],
        actor,
        "subgroups.invited",
        f"You are invited to join {group.name}",
        f"{actor.name} invited you. Accept or decline on the group's page.",
        group_path(group),
    )


def proposed(group: SubGroup, actor: User) -> None:
    send(
        secretariat(),
        actor,
        "subgroups.proposed",
        f"New sub-group proposal: {group.name}",
        f"{actor.name} proposed the sub-group “{group.name}”.",
        group_path(group),
    )


def decided(group: SubGroup, approved: bool, actor: User) -> None:
    verb = "approved" if approved else "rejected"
    proposer = [group.created_by] if group.created_by is not None else []
    send(
        [*proposer, *members(group.id, convenors_only=True)],
        actor,
        f"subgroups.{verb}",
        f"The sub-group {group.name} was {verb}",
        f"{actor.name} {verb} the proposal.",
        group_path(group),
    )


def extended(group: SubGroup, actor: User) -> None:
    send(
        members(group.id),
        actor,
        "subgroups.extended",
        f"{group.name} now ends on {group.end_date:%d %b %Y}",
        f"{actor.name} extended the sub-group's end date.",
        group_path(group),
    )


def archived(groups: Iterable[SubGroup]) -> None:
    for group in groups:
        send(
            members(group.id, convenors_only=True),
            None,
            "subgroups.archived",
            f"The sub-group {group.name} was archived",
            f"Its end date ({group.end_date:%d %b %Y}) has passed; it is read-only now. "
            "A convenor or the secretariat can extend it.",
            group_path(group),
        )


def warn_ending_groups() -> int:
    """Warn convenors and the secretariat 14 days before a group's end date, once per end
    date: running it again the same day (or any later day) warns nobody twice."""
    limit = today() + timedelta(days=WARNING_DAYS)
    groups = db.session.scalars(
        select(SubGroup)
        .where(
            SubGroup.status == "active",
            SubGroup.end_date >= today(),
            SubGroup.end_date <= limit,
            (SubGroup.warned_end_date.is_(None)) | (SubGroup.warned_end_date != SubGroup.end_date),
        )
        .options(joinedload(SubGroup.created_by))
    ).all()
    if not groups:
        return 0
    for group in groups:
        group.warned_end_date = group.end_date
    db.session.commit()
    staff = secretariat()
    for group in groups:
        days = (group.end_date - today()).days
        send(
            [*members(group.id, convenors_only=True), *staff],
            None,
            "subgroups.ending",
            f"{group.name} will be archived in {plural(days, 'day')}",
            f"The sub-group ends on {group.end_date:%d %b %Y} and then becomes read-only. "
            "Extend its end date if its work goes on.",
            group_path(group),
        )
    return len(groups)
