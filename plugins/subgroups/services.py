"""Domain operations on sub-groups shared by views and hooks: archiving, grants, departures."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from intranet.plugin_api import (
    GrantableResource,
    ResourceRef,
    User,
    contains_words,
    db,
    notify_event,
    utcnow,
)

from . import notices, rules
from .models import Membership, SubGroup, log_activity, today


def archive_ended_groups() -> int:
    """Archive every active group past its end date; running it twice changes nothing."""
    ended = db.session.scalars(
        select(SubGroup).where(SubGroup.status == "active", SubGroup.end_date < today())
    ).all()
    for group in ended:
        group.status = "archived"
        log_activity(group, None, "archived", f"Archived after its end date ({group.end_date})")
    db.session.commit()
    notices.archived(ended)
    return len(ended)


def grantable_groups(
    user: User,
    query: str | None = None,
    refs: set[ResourceRef] | None = None,
    limit: int | None = None,
) -> list[GrantableResource]:
    """The groups a member may grant a guest access to: the currently active ones (whose name
    has the words of `query`, among `refs`, the first `limit` by name)."""
    if user.is_guest:
        return []
    statement = select(SubGroup).where(
        rules.currently_active(), contains_words(SubGroup.name, query)
    )
    if refs is not None:
        statement = statement.where(
            SubGroup.id.in_([ref.id for ref in refs if ref.kind == rules.KIND])
        )
    groups = db.session.scalars(statement.order_by(SubGroup.name).limit(limit)).all()
    return [
        GrantableResource(
            rules.ref(group),
            f"Sub-group: {group.name}",
            url_for("subgroups.show", group_id=group.id),
        )
        for group in groups
    ]


def resource_members(resource: ResourceRef) -> list[User] | None:
    """A sub-group's people: its active members of every role, with active accounts."""
    if resource.kind != rules.KIND:
        return None
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.group_id == resource.id,
                Membership.state == "active",
                User.is_active_account.is_(True),
            )
            .order_by(User.name)
        )
    )


def announce_members(
    group: SubGroup, added: list[User] | None = None, removed: list[User] | None = None
) -> None:
    """Tell the other plugins who joined or left the sub-group (after the commit), so that
    what they gave its members follows (invitations to its meetings)."""
    notify_event(
        "intranet_resource_members_changed",
        resource=ResourceRef(rules.KIND, group.id),
        added=added or [],
        removed=removed or [],
    )


def sync_guest_memberships(guest: User, granted: list[ResourceRef]) -> None:
    """Granted guests appear as invited participants; revoked ones leave the member list."""
    group_ids = {ref.id for ref in granted if ref.kind == rules.KIND}
    current = db.session.scalars(select(Membership).where(Membership.user_id == guest.id)).all()
    for membership in current:
        if membership.group_id not in group_ids:
            db.session.delete(membership)
    for group_id in group_ids - {m.group_id for m in current}:
        db.session.add(
            Membership(
                group_id=group_id,
                user_id=guest.id,
                role="participant",
                state="active",
                joined_at=utcnow(),
            )
        )
    db.session.commit()


def remove_deactivated(user: User) -> None:
    """The person leaves every member list; their posts stay, attributed to them."""
    memberships = db.session.scalars(
        select(Membership)
        .where(Membership.user_id == user.id, Membership.state == "active")
        .options(joinedload(Membership.group))
    ).all()
    for membership in memberships:
        log_activity(membership.group, None, "left", f"{user.name} left (account deactivated)")
    db.session.execute(delete(Membership).where(Membership.user_id == user.id))
    db.session.commit()
