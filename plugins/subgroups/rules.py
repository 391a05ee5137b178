"""Who may do what in a sub-group, in one place so views and hooks agree."""

from __future__ import annotations

from flask import g
from sqlalchemy import Select, and_, or_, select

from intranet.plugin_api import ResourceRef, User, can, db, setting, utcnow

from .models import Membership, Post, SubGroup, today

EDIT_WINDOW_MINUTES = 30
KIND = "subgroups.group"


def ref(group: SubGroup | int) -> ResourceRef:
    return ResourceRef(KIND, group if isinstance(group, int) else group.id)


def may_view(user: User, group: SubGroup) -> bool:
    """Members, the secretariat and admins see every group unless a plugin vetoes; guests see
    only what a plugin (the partners plugin) grants them. Rejected proposals stay with the
    proposer and the staff."""
    if group.status == "rejected" and not (user.is_staff or group.created_by_id == user.id):
        return False
    return can(user, "subgroups.view", ref(group))


def active_membership(group: SubGroup, user: User) -> Membership | None:
    return next(
        (m for m in group.memberships if m.user_id == user.id and m.state == "active"), None
    )


def is_convenor(group: SubGroup, user: User) -> bool:
    membership = active_membership(group, user)
    return membership is not None and membership.role == "convenor"


def convened_group_ids(user: User) -> frozenset[int]:
    """The groups `user` convenes, read once per request (permission checks ask per group)."""
    cache = g.setdefault("subgroups_convened", {})
    if user.id not in cache:
        cache[user.id] = frozenset(
            db.session.scalars(
                select(Membership.group_id).where(
                    Membership.user_id == user.id,
                    Membership.role == "convenor",
                    Membership.state == "active",
                )
            )
        )
    return cache[user.id]


def may_manage(user: User, group: SubGroup) -> bool:
    """Convenors and the secretariat run a group: requests, invitations, end date."""
    return user.is_staff or is_convenor(group, user)


def may_post(user: User, group: SubGroup) -> bool:
    """Writing needs a writable (active, not past its end) group, the permission vote, and
    being in the group: an active member, a granted guest, or the secretariat."""
    if not group.is_writable or not can(user, "subgroups.post", ref(group)):
        return False
    return user.is_staff or user.is_guest or active_membership(group, user) is not None


def may_upload(user: User, group: SubGroup) -> bool:
    """Documents are added by the people who may post: members of a writable group."""
    return may_post(user, group)


def may_delete_document(user: User, group: SubGroup, uploaded_by_id: int | None) -> bool:
    """The uploader or a convenor while the group is writable; the secretariat always."""
    if user.is_staff:
        return True
    if not group.is_writable:
        return False
    return uploaded_by_id == user.id or is_convenor(group, user)


def edit_window_minutes() -> int:
    return int(setting("subgroups", "edit_window_minutes"))


def may_edit_post(user: User, post: Post) -> bool:
    if post.deleted_at is not None or post.author_id != user.id:
        return False
    if not may_post(user, post.thread.group):
        return False
    return (utcnow() - post.created_at).total_seconds() <= edit_window_minutes() * 60


def may_delete_post(user: User, post: Post) -> bool:
    if post.deleted_at is not None or not post.thread.group.is_writable:
        return False
    return post.author_id == user.id or may_manage(user, post.thread.group)


def currently_active() -> object:
    return and_(SubGroup.status == "active", SubGroup.end_date >= today())


def currently_archived() -> object:
    return or_(
        SubGroup.status == "archived",
        and_(SubGroup.status == "active", SubGroup.end_date < today()),
    )


def visible_to_guest(query: Select, user: User) -> Select:
    """Guests start from the groups they take part in; `may_view` then asks the plugins."""
    member_of = select(Membership.group_id).where(Membership.user_id == user.id)
    return query.where(SubGroup.id.in_(member_of))


def permission(user: User, action: str, resource: ResourceRef | None) -> bool | None:
    """A group's documents are for whoever may see the group; its convenors may invite partners
    to it (when the setting allows); other actions: no vote."""
    if action == "partners.invite":
        if resource is None or resource.kind != KIND or user.is_guest:
            return None
        if not setting("subgroups", "convenors_may_invite"):
            return None
        return True if resource.id in convened_group_ids(user) else None
    if action != "subgroups.view_attachment":
        return None
    if resource is None or resource.kind != KIND:
        return False
    group = db.session.get(SubGroup, resource.id)
    return group is not None and may_view(user, group)
