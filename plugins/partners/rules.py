"""Who may do what in the partners plugin: a guest's reach through its grants, who may invite,
and which invitations and guests an inviter's pages list."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
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
    permitted_refs,
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
    reached = (guest_permitted(user, action) or {}).get(kind, frozenset())
    return {id_: True for id_ in ids if id_ in reached}


def guest_permitted(user: User, action: str) -> dict[str, frozenset[int]] | None:
    """What `guest_permission_many` lets a guest reach for `action`, named by kind without
    being asked about every object: a guest's lists are built from it, so they hold whatever
    was granted, however old, and cost what the grants cost, not what the site holds."""
    if not user.is_guest or action.startswith("partners."):
        return None
    reached: dict[str, set[int]] = {}
    for ref in active_grants(user):
        reached.setdefault(ref.kind, set()).add(ref.id)
    if action == "directory.view_member":
        reached["user"] = set(co_worker_ids(user))
    return {kind: frozenset(ids) for kind, ids in reached.items()}


def guest_permission(user: User, action: str, resource: ResourceRef | None) -> bool | None:
    """The single-object form of `guest_permission_many`."""
    if resource is None or resource.id is None:
        return None
    return guest_permission_many(user, action, resource.kind, [resource.id]).get(resource.id)


# --- who may invite, and what ------------------------------------------------------------------


def inviter_grantables(
    user: User,
    *,
    query: str | None = None,
    refs: Collection[ResourceRef] | None = None,
    limit: int | None = None,
    enough: int | None = None,
) -> list[GrantableResource]:
    """The resources `user` may grant: those offered to them that they may invite to, asked
    as `grantable_resources()` asks (the matches of `query`, only `refs`, `limit` of each
    plugin's); once per request for the same question.

    Outside the inviter roles, only what a plugin names for `partners.invite` through
    `intranet_permitted` (a convenor's groups) and no plugin vetoes: a handful, found without
    asking about every lesson and meeting of the site, however far down its plugin's list."""
    if not user.is_authenticated or user.is_guest:
        return []
    cache = g.setdefault("partners_grantables", {})
    key = (user.id, query, None if refs is None else frozenset(refs), limit, enough)
    if key not in cache:
        if user.role in setting("inviter_roles"):
            cache[key] = grantable_resources(
                user, query=query, refs=refs, limit=limit, enough=enough
            )
        else:
            named = permitted_refs(user, "partners.invite")
            if refs is not None:
                named &= set(refs)
            offered = grantable_resources(user, query=query, refs=named) if named else []
            cache[key] = invitable(user, offered, limit)
    return cache[key]


def invitable(
    user: User, offered: list[GrantableResource], limit: int | None
) -> list[GrantableResource]:
    """Among `offered` (the few a plugin names), those no plugin vetoes, `limit` of each
    plugin's (asked with `can()`, whose single-object votes `can_many()` would not hear)."""
    kept: list[GrantableResource] = []
    per_plugin: Counter[str] = Counter()
    for item in offered:
        plugin = item.ref.kind.partition(".")[0]
        if limit is not None and per_plugin[plugin] >= limit:
            continue
        if can(user, "partners.invite", item.ref):
            per_plugin[plugin] += 1
            kept.append(item)
    return kept


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
