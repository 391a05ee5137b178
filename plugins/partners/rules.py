"""Who may do what in the partners plugin: a guest's reach through its grants, who may invite,
and which invitations and guests an inviter's pages list."""

from __future__ import annotations

from typing import Any

from flask import g
from sqlalchemy import select

from intranet.plugin_api import (
    GrantableResource,
    ResourceRef,
    User,
    can,
    collect,
    db,
    grantable_resources,
)

from .models import Grant, Guest
from .settings import setting, today

# --- a guest's reach ---------------------------------------------------------------------------


def grants_of(user_id: int) -> list[Grant]:
    return list(
        db.session.scalars(select(Grant).where(Grant.guest_id == user_id).order_by(Grant.id))
    )


def active_grants(user: User) -> frozenset[ResourceRef]:
    """What a guest may reach now: nothing once the access end date has passed."""
    cache = g.setdefault("partners_guest_grants", {})
    if user.id not in cache:
        guest = db.session.get(Guest, user.id)
        if guest is None or guest.ended_at is not None or guest.access_ends_on < today():
            cache[user.id] = frozenset()
        else:
            cache[user.id] = frozenset(grant.ref for grant in grants_of(user.id))
    return cache[user.id]


def co_workers(user: User) -> list[User]:
    """The people a guest works with: the members of every resource granted to them now.

    Asked of the plugins owning the resources (hook `intranet_resource_members`), once per
    request and guest.
    """
    cache = g.setdefault("partners_co_workers", {})
    if user.id not in cache:
        people: dict[int, User] = {}
        for ref in sorted(active_grants(user), key=lambda ref: (ref.kind, ref.id)):
            for person in collect("intranet_resource_members", resource=ref):
                if person.id != user.id and person.is_active:
                    people.setdefault(person.id, person)
        cache[user.id] = sorted(people.values(), key=lambda person: person.name.lower())
    return cache[user.id]


def co_worker_ids(user: User) -> frozenset[int]:
    return frozenset(person.id for person in co_workers(user))


def forget_access() -> None:
    """Drop this request's cached grants and co-workers after a change to them."""
    g.pop("partners_guest_grants", None)
    g.pop("partners_co_workers", None)


def guest_permission_many(user: User, action: str, kind: str, ids: list[int]) -> dict[int, bool]:
    """The one rule of a guest's reach: True for the ids among `ids` granted to the guest (of
    `kind`, until access ends), and for the profiles of the people in those resources; the
    plugin abstains on everything else.

    Partners' own actions are never granted to guests, so a grant cannot make anyone an inviter.
    """
    if not user.is_guest or action.startswith("partners."):
        return {}
    if action == "directory.view_member" and kind == "user":
        reached = co_worker_ids(user)
    else:
        reached = frozenset(ref.id for ref in active_grants(user) if ref.kind == kind)
    return {id_: True for id_ in ids if id_ in reached}


def guest_permission(user: User, action: str, resource: ResourceRef | None) -> bool | None:
    """The single-object form of `guest_permission_many`."""
    if resource is None or resource.id is None:
        return None
    return guest_permission_many(user, action, resource.kind, [resource.id]).get(resource.id)


# --- who may invite, and what ------------------------------------------------------------------


def inviter_grantables(user: User) -> list[GrantableResource]:
    """The resources `user` may grant: those offered to them that they may invite to."""
    if not user.is_authenticated or user.is_guest:
        return []
    cache = g.setdefault("partners_grantables", {})
    if user.id not in cache:
        offered = grantable_resources(user)
        if user.role in setting("inviter_roles"):
            cache[user.id] = offered
        else:
            cache[user.id] = [
                item for item in offered if can(user, "partners.invite", item.ref, roles=())
            ]
    return cache[user.id]


def may_invite(user: User) -> bool:
    if not user.is_authenticated or user.is_guest:
        return False
    if user.role in setting("inviter_roles"):
        return True
    return can(user, "partners.invite", None, roles=()) or bool(inviter_grantables(user))


def shows_partners_menu(user: User) -> bool:
    """Whether the menu and the dashboard offer Partners: inviter roles, or a plugin's yes to
    `partners.invite` without a resource.

    Asked on every page, so it never lists the grantable resources as `may_invite` does
    (thousands of meetings and lessons at scale, each with a permission check).
    """
    if not user.is_authenticated or user.is_guest:
        return False
    return user.role in setting("inviter_roles") or can(user, "partners.invite", None, roles=())


# --- what an inviter's pages list --------------------------------------------------------------


def sponsored_by(user: User, query: Any, sponsor_column: Any) -> Any:
    """Filter invitations or guests to those `user` manages: staff all, a sponsor their own."""
    return query if user.is_staff else query.where(sponsor_column == user.id)


def manages(user: User, sponsor_id: int | None) -> bool:
    """The single-object form of `sponsored_by`."""
    return user.is_staff or sponsor_id == user.id
