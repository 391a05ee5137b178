"""Who may steer the task force's governance: the secretariat and the current chair."""

from __future__ import annotations

from intranet.plugin_api import STAFF, ResourceRef, User, can

from . import chairmanship, settings

STEER = "governance.steer"


def may_steer(user: User) -> bool:
    """The secretariat and the current chair revise documents, decide proposals, write reports."""
    return can(user, STEER, roles=STAFF)


def permission(user: User, action: str, resource: ResourceRef | None) -> bool | None:
    """The chair's rights: the chair is a title derived from the current chairmanship."""
    if action != STEER and action not in settings.get("chair_actions"):
        return None
    return True if chairmanship.is_chair(user) else None
