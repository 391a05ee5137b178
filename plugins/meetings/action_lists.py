"""A user's action items, theirs and their delegation's, a page at a time with counts by status,
at a cost that does not grow with the items (a delegation holds a hundred thousand at N=10).

Each count stops at COUNT_CAP and then reads "more than 1,000". A page reads the items of one
status at a time in the order of the index on (status, due date, id): open ones first, then the
others by due date, so the first page reads about fifty rows instead of sorting them all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, literal, or_, select, union_all
from sqlalchemy.orm import joinedload

from intranet.plugin_api import db

from .models import ActionItem
from .rules import visible_ids

ACTION_STATUSES = {"open": "Open", "done": "Done", "dropped": "Dropped"}
ACTIONS_PER_PAGE = 50
COUNT_CAP = 1000  # items counted per status; beyond, the count is a lower bound
SECTIONS = (("open",), ("done", "dropped"))  # listed in this order; within one, by due date


@dataclass(frozen=True)
class ItemCount:
    """How many items, exactly or (when `exact` is False) at least."""

    number: int
    exact: bool = True

    def __add__(self, other: ItemCount) -> ItemCount:
        return ItemCount(self.number + other.number, self.exact and other.exact)

    def __str__(self) -> str:
        return f"{self.number:,}" if self.exact else f"more than {self.number:,}"


@dataclass
class ActionPage:
    """A page of items in the shape the core's pager reads; `total` is None when the count
    stopped at its cap, and then the pager offers "Next" while a further item exists."""

    items: list[ActionItem]
    page: int
    has_next: bool
    total: int | None

    @property
    def pages(self) -> int:
        if self.total is None:
            return self.page + 1 if self.has_next else self.page
        return math.ceil(self.total / ACTIONS_PER_PAGE)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def _mine(user: Any) -> Any:
    """Items owned by `user` or by their delegation, in meetings they may see."""
    owner = ActionItem.owner_user_id == user.id
    if user.country_code:
        owner = or_(owner, ActionItem.owner_country == user.country_code.upper())
    if user.is_guest:
        meetings = db.session.scalars(select(ActionItem.meeting_id).where(owner).distinct())
        owner = and_(owner, ActionItem.meeting_id.in_(visible_ids(user, meetings)))
    return owner


def _owner_parts(user: Any) -> list[Any]:
    """`_mine` as conditions on disjoint sets of items, each of which an index finds alone: a
    member's delegation's items (by country and status) and their own outside it."""
    if not user.country_code or user.is_guest:
        return [_mine(user)]
    country = user.country_code.upper()
    own = and_(
        ActionItem.owner_user_id == user.id,
        or_(ActionItem.owner_country.is_(None), ActionItem.owner_country != country),
    )
    return [ActionItem.owner_country == country, own]


def _counted(owner: Any, status: str) -> Any:
    """The number of the items `owner` selects in `status`, reading at most COUNT_CAP + 1."""
    items = select(ActionItem.id).where(owner, ActionItem.status == status).limit(COUNT_CAP + 1)
    return select(func.count()).select_from(items.subquery()).scalar_subquery()


def action_counts(user: Any) -> dict[str, ItemCount]:
    """How many of the user's items are open, done and dropped, each up to COUNT_CAP: one
    statement, however many items the delegation holds. Each part of the owners is counted
    on its own (an OR of the two would read the status index's rows one by one)."""
    parts = _owner_parts(user)
    counts = [
        sum((_counted(part, status) for part in parts[1:]), _counted(parts[0], status))
        for status in ACTION_STATUSES
    ]
    numbers = db.session.execute(select(*counts)).one()
    return {
        status: ItemCount(min(number, COUNT_CAP), number <= COUNT_CAP)
        for status, number in zip(ACTION_STATUSES, numbers, strict=True)
    }


def _page_ids(
    owners: list[Any], sections: Sequence[Sequence[str]], offset: int, limit: int
) -> list[int]:
    """Ids of the items at `offset`, `limit` of them, the sections one after the other and each
    by due date. One statement, whatever the page and wherever a section ends: each status of
    each part of the owners (see `_owner_parts`) is read in its index's order, at most
    offset + limit rows of it, and the few merged. Read as one, a delegation with few items
    made the database test every open item of the site in due order to find them."""
    parts = [
        select(ActionItem.id, ActionItem.due_on, literal(rank).label("section"))
        .where(owner, ActionItem.status == status)
        .order_by(ActionItem.due_on, ActionItem.id)
        .limit(offset + limit)
        .subquery()
        for rank, statuses in enumerate(sections)
        for status in statuses
        for owner in owners
    ]
    merged = union_all(*(select(part.c.id, part.c.due_on, part.c.section) for part in parts))
    merged = merged.subquery()
    return list(
        db.session.scalars(
            select(merged.c.id)
            .order_by(merged.c.section, merged.c.due_on, merged.c.id)
            .offset(offset)
            .limit(limit)
        )
    )


def my_action_items(
    user: Any, status: str | None = None, page: int = 1, total: ItemCount | None = None
) -> ActionPage:
    """A page of the user's and their delegation's items, open first, by due date; `status`
    narrows it to one state; `total` (from action_counts) numbers the pages when exact. Items
    of a meeting a plugin vetoes are left off the page."""
    page = max(page, 1)
    sections = [(status,)] if status in ACTION_STATUSES else SECTIONS
    offset = (page - 1) * ACTIONS_PER_PAGE
    ids = _page_ids(_owner_parts(user), sections, offset, ACTIONS_PER_PAGE + 1)
    has_next, ids = len(ids) > ACTIONS_PER_PAGE, ids[:ACTIONS_PER_PAGE]
    loaded = {
        item.id: item
        for item in db.session.scalars(
            select(ActionItem)
            .where(ActionItem.id.in_(ids))
            .options(
                joinedload(ActionItem.meeting),
                joinedload(ActionItem.owner_user),
                joinedload(ActionItem.notes),  # in this statement: a page without items runs it too
            )
        ).unique()
    }
    seen = visible_ids(user, {item.meeting_id for item in loaded.values()})
    items = [loaded[id_] for id_ in ids if id_ in loaded and loaded[id_].meeting_id in seen]
    number = total.number if total is not None and total.exact else None
    return ActionPage(items, page, has_next, number)
