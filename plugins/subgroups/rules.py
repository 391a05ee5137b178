"""Who may do what in a sub-group, in one place so views and hooks agree."""

from __future__ import annotations

from flask import g
from sqlalchemy import ColumnElement, Select, and_, or_, select, true

from intranet.plugin_api import (
    ResourceRef,
    User,
    can,
    can_many,
    db,
    permitted_refs,
    setting,
    utcnow,
)

from .models import Membership, Post, SubGroup, today

EDIT_WINDOW_MINUTES = 30
KIND = "subgroups.group"
VIEW = "subgroups.view"
VIEW_ACTIONS = frozenset({VIEW, "subgroups.view_attachment"})


def ref(group: SubGroup | int) -> ResourceRef:
    return ResourceRef(KIND, group if isinstance(group, int) else group.id)


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


def visible(user: User) -> ColumnElement[bool]:
    """The one rule for seeing a sub-group, as SQL: the staff see every group; a rejected
    proposal stays with its proposer and the staff. Guests are further narrowed to what another
    plugin (the partners plugin) grants them; this plugin never grants a guest anything."""
    if user.is_staff:
        return true()
    if user.is_guest:
        return SubGroup.status != "rejected"
    return or_(SubGroup.status != "rejected", SubGroup.created_by_id == user.id)


def listed(query: Select, user: User) -> Select:
    """`query` narrowed to the groups `user` may see: the rule's SQL, and for guests the
    groups the plugins name as granted (`intranet_permitted`), asked through `can_many()` so
    a list shows what `can()` allows. A guest's list asks about the grants, never every group
    of the site (5,000 at N=10: 22 ms), and the same whatever the list holds."""
    query = query.where(visible(user))
    if not user.is_guest:
        return query
    named = sorted(ref.id for ref in permitted_refs(user, VIEW) if ref.kind == KIND)
    return query.where(SubGroup.id.in_(can_many(user, VIEW, KIND, named)))


def permission_many(user: User, action: str, kind: str, ids: list[int]) -> dict[int, bool] | None:
    """Seeing a group (and its documents): a veto where the rule hides it, an allow where it
    shows it to members and staff, no vote on guests (they need a grant). Its convenors may
    invite partners to it when the setting allows. Other actions: no vote."""
    if kind != KIND:
        return None
    if action in VIEW_ACTIONS:
        shown = set(
            db.session.scalars(select(SubGroup.id).where(SubGroup.id.in_(ids), visible(user)))
        )
        votes = {id_: False for id_ in ids if id_ not in shown}
        if not user.is_guest:
            votes.update(dict.fromkeys(shown, True))
        return votes
    if action == "partners.invite" and not user.is_guest:
        if not setting("subgroups", "convenors_may_invite"):
            return None
        return dict.fromkeys(convened_group_ids(user).intersection(ids), True)
    return None


def permitted(user: User, action: str) -> dict[str, frozenset[int]] | None:
    """The groups a member convenes, for inviting partners to them when the setting allows
    (the same yes `permission_many` gives, named without being asked about every group)."""
    if action != "partners.invite" or user.is_guest:
        return None
    if not setting("subgroups", "convenors_may_invite"):
        return None
    return {KIND: convened_group_ids(user)}


def permission(user: User, action: str, resource: ResourceRef | None) -> bool | None:
    """A group's answers come from `permission_many`, which `can()` asks for the group's id;
    here only the documents of anything but a group are refused."""
    if action == "subgroups.view_attachment" and (resource is None or resource.kind != KIND):
        return False
    return None
