"""Helpers every sub-groups page uses: loading a visible group, refusing an action."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from intranet.plugin_api import User, can, db

from .. import rules
from ..models import Membership, SubGroup

OWNER = "subgroups"


def refuse(message: str, target: str) -> Response:
    """Refuse an action with a clear message; nothing has been stored."""
    db.session.rollback()
    flash(message, "error")
    return redirect(target, code=303)


def load_group(group_id: int, *, members: bool = True) -> SubGroup:
    options = [joinedload(SubGroup.created_by), joinedload(SubGroup.approved_by)]
    if members:
        options.append(joinedload(SubGroup.memberships).joinedload(Membership.user))
    group = (
        db.session.execute(select(SubGroup).where(SubGroup.id == group_id).options(*options))
        .unique()
        .scalar_one_or_none()
    )
    if group is None or not can(current_user, rules.VIEW, rules.ref(group)):
        abort(404)
    return group


def group_url(group: SubGroup) -> str:
    return url_for("subgroups.show", group_id=group.id)


def convenor_ids(ids: list[int]) -> list[int]:
    """The ids among `ids` that may convene: active accounts, never guests, in their order."""
    allowed = set(
        db.session.scalars(
            select(User.id).where(
                User.id.in_(ids), User.is_active_account.is_(True), User.role != "guest"
            )
        )
    )
    return [user_id for user_id in dict.fromkeys(ids) if user_id in allowed]


def posting_refusal(group: SubGroup) -> str:
    if not group.is_writable:
        return f"This sub-group is {group.status_label.lower()} and read-only."
    return "Only members of this sub-group can post here. Join the group first."
